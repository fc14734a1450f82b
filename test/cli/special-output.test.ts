// --output onto files that are not regular files: devices, FIFOs and stream aliases are written
// in place and stay what they were; symlinks stay links; what cannot be written is refused with
// exit 2. Device nodes are made in a temporary directory, so a regression replaces those, not
// the machine's /dev.
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import {
  lstat,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const REPORT = ['report', '--source', 'example', '--period', '2026-09', '--format', 'csv'];
const isRoot = process.getuid?.() === 0;

let dir: string;
let expected: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ml-cost-special-'));
  const plain = await runCli([...REPORT, '--output', join(dir, 'plain.csv')]);
  expect(plain.code).toBe(0);
  expected = await readFile(join(dir, 'plain.csv'), 'utf8');
  await rm(join(dir, 'plain.csv'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The kind of file at `path`, not following a link. */
async function kind(path: string): Promise<string> {
  const info = await lstat(path);
  if (info.isSymbolicLink()) return 'symlink';
  if (info.isCharacterDevice()) return 'character device';
  if (info.isFIFO()) return 'fifo';
  if (info.isSocket()) return 'socket';
  return info.isFile() ? 'file' : 'other';
}

function mknod(name: string, major: number, minor: number): string {
  const path = join(dir, name);
  execFileSync('mknod', [path, 'c', String(major), String(minor)]);
  return path;
}

describe.skipIf(!isRoot)('devices (made with mknod, so root only)', () => {
  it('writes onto a null device and leaves it a device', async () => {
    const path = mknod('null', 1, 3);
    const result = await runCli([...REPORT, '--output', path]);
    expect(result.code).toBe(0);
    expect(await kind(path)).toBe('character device');
  });

  it('fails on a full device with exit 2, and leaves it a device', async () => {
    const path = mknod('full', 1, 7);
    const result = await runCli([...REPORT, '--output', path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `ml-cost: --output ${path}: cannot write (no space left on device)`,
    );
    expect(await kind(path)).toBe('character device');
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});

describe('stream aliases', () => {
  it.each(['/dev/fd/1', '/proc/self/fd/1'])('writes %s to standard output', async (alias) => {
    const result = await runCli([...REPORT, '--output', alias]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(expected);
  });
});

describe('a FIFO', () => {
  it('is written for its reader and stays a FIFO', async () => {
    const path = join(dir, 'costs.fifo');
    execFileSync('mkfifo', [path]);
    const chunks: Buffer[] = [];
    const read = new Promise<string>((resolve, reject) => {
      createReadStream(path)
        .on('data', (chunk) => chunks.push(chunk as Buffer))
        .on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
        .on('error', reject);
    });
    const result = await runCli([...REPORT, '--output', path]);
    expect(result.code).toBe(0);
    expect(await read).toBe(expected);
    expect(await kind(path)).toBe('fifo');
  });
});

describe('symbolic links', () => {
  it('replaces the file a link names, and keeps the link', async () => {
    const file = join(dir, 'real.csv');
    const link = join(dir, 'link.csv');
    await writeFile(file, 'old\n');
    await symlink(file, link);
    const result = await runCli([...REPORT, '--output', link]);
    expect(result.code).toBe(0);
    expect(await kind(link)).toBe('symlink');
    expect(await readlink(link)).toBe(file);
    expect(await readFile(file, 'utf8')).toBe(expected);
  });

  it('refuses a link to nothing, and leaves it as it was', async () => {
    const link = join(dir, 'dangling.csv');
    await symlink(join(dir, 'missing', 'x.csv'), link);
    const result = await runCli([...REPORT, '--output', link]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `ml-cost: --output ${link}: is a symbolic link to a file that does not exist; remove the link or give another name\n`,
    );
    expect(await kind(link)).toBe('symlink');
  });
});

describe('a socket', () => {
  let server: Server;
  const path = () => join(dir, 'costs.sock');

  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(path(), resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('is refused before any work, and stays a socket', async () => {
    const result = await runCli([...REPORT, '--output', path()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `ml-cost: --output ${path()}: is a socket, not a file ml-cost can write; give a file name\n`,
    );
    expect(await kind(path())).toBe('socket');
  });
});
