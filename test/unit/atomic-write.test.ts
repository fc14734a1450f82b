import { readFileSync } from 'node:fs';
import { chmod, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/io/atomic-write.js';
import { tempDir } from '../helpers/temp.js';

describe('writeFileAtomic', () => {
  it('keeps the permissions of the file it replaces', async () => {
    const path = join(await tempDir('ml-cost-atomic-'), 'costs.csv');
    await writeFile(path, 'old\n');
    await chmod(path, 0o600);
    await writeFileAtomic(path, 'new\n');
    expect(await readFile(path, 'utf8')).toBe('new\n');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('writes a new file readable by all, as a plain write would', async () => {
    const path = join(await tempDir('ml-cost-atomic-'), 'costs.csv');
    await writeFileAtomic(path, 'new\n');
    expect((await stat(path)).mode & 0o444).toBe(0o444);
  });

  it('writes chunks as they come, and the file appears whole only at the end', async () => {
    const dir = await tempDir('ml-cost-atomic-');
    const path = join(dir, 'costs.json');
    await writeFile(path, 'old\n');
    const seen: string[] = [];
    function* chunks() {
      for (let i = 0; i < 5; i++) {
        yield Buffer.from(`chunk ${i}\n`);
      }
    }
    const chunked = chunks();
    const watched = {
      *[Symbol.iterator]() {
        for (const chunk of chunked) {
          seen.push(readFileSync(path, 'utf8'));
          yield chunk;
        }
      },
    };
    await writeFileAtomic(path, watched);
    // While the chunks were written, the old file stood as it was.
    expect(new Set(seen)).toEqual(new Set(['old\n']));
    expect(await readFile(path, 'utf8')).toBe('chunk 0\nchunk 1\nchunk 2\nchunk 3\nchunk 4\n');
    expect(await readdir(dir)).toEqual(['costs.json']);
  });

  it('leaves the old file whole and no temporary when the chunks fail midway', async () => {
    const dir = await tempDir('ml-cost-atomic-');
    const path = join(dir, 'costs.json');
    await writeFile(path, 'old\n');
    const bug = new TypeError('a renderer failed on row 3');
    function* failing() {
      yield Buffer.from('row 1\n'.repeat(100_000));
      yield Buffer.from('row 2\n');
      throw bug;
    }
    // The renderer's own error, not "cannot write": its exit code (4, a bug) must survive.
    await expect(writeFileAtomic(path, failing())).rejects.toBe(bug);
    expect(await readFile(path, 'utf8')).toBe('old\n');
    expect(await readdir(dir)).toEqual(['costs.json']);
  });
});
