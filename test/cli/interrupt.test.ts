// An interrupted run (SIGINT from a terminal, SIGTERM from a scheduler, SIGHUP from a closed
// session) leaves no partial file and keeps an existing one as it was.
import { spawn } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { type FaultServer, startFaultServer } from '../helpers/fault-server.js';
import { tempDir } from '../helpers/temp.js';

/** The compiled module (npm run build), as the binary runs it. */
const ATOMIC_WRITE = fileURLToPath(new URL('../../dist/io/atomic-write.js', import.meta.url));

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

describe.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)(
  '%s while the source is answering',
  (signal) => {
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
  },
);

describe.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const)('%s while the result file is being written', (signal, exitCode) => {
  it('removes the temporary file and exits with the signal code', async () => {
    const dir = await tempDir('ml-cost-interrupt-');
    const target = join(dir, 'report.csv');
    await writeFile(target, 'yesterday\n');
    // Fault injection: a disk whose flush never returns holds the write with its temporary
    // file on disk, until the signal comes.
    const script = `
      import { open } from 'node:fs/promises';
      const handle = await open(${JSON.stringify(target)});
      Object.getPrototypeOf(handle).sync = () => {
        process.stdout.write('flushing\\n');
        return new Promise(() => setInterval(() => {}, 1000));
      };
      await handle.close();
      const { writeFileAtomic } = await import(${JSON.stringify(ATOMIC_WRITE)});
      await writeFileAtomic(${JSON.stringify(target)}, 'today\\n');
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    expect((await readdir(dir)).some((name) => name.endsWith('.tmp'))).toBe(true);
    child.kill(signal);
    expect(await exited).toBe(exitCode);
    expect(await readdir(dir)).toEqual(['report.csv']);
    expect(await readFile(target, 'utf8')).toBe('yesterday\n');
    await rm(dir, { recursive: true, force: true });
  });
});
