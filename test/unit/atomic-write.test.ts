import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
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
});
