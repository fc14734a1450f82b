// Runs the real ml-cost binary (bin/ml-cost.js -> dist/), as users and CI jobs do.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './temp.js';

export const BIN = fileURLToPath(new URL('../../bin/ml-cost.js', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', TZ: 'UTC', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface VersionFile {
  version: string;
  effective_from: string;
  currency?: string;
  gpu_hour: Record<string, number>;
}

/** A catalogue directory with the given versions, for tests that need known prices. */
export async function writeCatalogue(versions: readonly VersionFile[]): Promise<string> {
  const dir = await tempDir('ml-cost-catalogue-');
  for (const version of versions) {
    await writeFile(
      join(dir, `${version.version}.json`),
      JSON.stringify({ currency: 'EUR', ...version }, null, 2),
    );
  }
  return dir;
}
