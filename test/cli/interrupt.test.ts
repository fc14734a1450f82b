// An interrupted run (SIGINT from a terminal, SIGTERM from a scheduler) leaves no partial file
// and keeps an existing one as it was.
import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { type FaultServer, startFaultServer } from '../helpers/fault-server.js';
import { tempDir } from '../helpers/temp.js';

let server: FaultServer;

beforeAll(async () => {
  server = await startFaultServer();
  server.fallback = { kind: 'stall-body' };
});
afterAll(async () => {
  await server?.close();
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  if (!condition()) throw new Error('timed out waiting for ml-cost to query the source');
}

describe.each(['SIGINT', 'SIGTERM'] as const)('%s while the source is answering', (signal) => {
  it('leaves the existing output untouched and no temporary file', async () => {
    const dir = await tempDir('ml-cost-interrupt-');
    const target = join(dir, 'report.csv');
    await writeFile(target, 'yesterday,s,report\n');
    const before = server.requests.length;
    const child = spawn(
      process.execPath,
      [
        BIN,
        'export',
        '--source',
        server.url,
        '--period',
        '2026-09-01',
        '--output',
        target,
        '--overwrite',
      ],
      { env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' }, stdio: 'ignore' },
    );
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    await waitFor(() => server.requests.length > before);
    child.kill(signal);
    const { code, signal: killedBy } = await exited;
    expect(code === 0).toBe(false);
    expect(code !== null || killedBy !== null).toBe(true);
    expect(await readdir(dir)).toEqual(['report.csv']);
    expect(await readFile(target, 'utf8')).toBe('yesterday,s,report\n');
  });
});
