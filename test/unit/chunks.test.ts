// Rendered results in UTF-8 chunks: the same bytes as the whole text, in bounded pieces.
import { describe, expect, it } from 'vitest';
import { prng } from '../../src/example/generate.js';
import { renderedText, utf8Chunks } from '../../src/render/chunks.js';

const PIECES = ['a', 'row,1.5\n', 'é', '日本', '🚀', '\n', '', 'x'.repeat(300), '"q"'];

describe('utf8Chunks', () => {
  it('gives the text and a final newline, in chunks of at most the size, for random pieces', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = prng(seed);
      const size = 16 + Math.floor(random() * 2000);
      const pieces = Array.from(
        { length: Math.floor(random() * 200) },
        () => PIECES[Math.floor(random() * PIECES.length)] as string,
      );
      const chunks = [...utf8Chunks(pieces, size)];
      const text = pieces.join('');
      const expected = text.endsWith('\n') ? text : `${text}\n`;
      expect(Buffer.concat(chunks).toString('utf8')).toBe(expected);
      for (const chunk of chunks) {
        // No chunk cuts a character: each is valid UTF-8 on its own.
        expect(Buffer.from(chunk.toString('utf8'), 'utf8').equals(chunk)).toBe(true);
        // Only a piece larger than a chunk makes one larger (none here is).
        expect(chunk.length).toBeLessThanOrEqual(Math.max(size, 900));
      }
    }
  });

  it('makes the pieces only as the chunks are taken', () => {
    let made = 0;
    function* pieces() {
      for (let i = 0; i < 10_000; i++) {
        made++;
        yield 'x'.repeat(100);
      }
    }
    const chunks = utf8Chunks(pieces(), 64 * 1024);
    chunks.next();
    // One chunk's worth of pieces, not the whole document.
    expect(made).toBeLessThan(1000);
  });

  it('writes an empty result as one newline, and a large piece as it is', () => {
    expect(Buffer.concat([...utf8Chunks('')]).toString()).toBe('\n');
    expect(Buffer.concat([...utf8Chunks(['a\n'])]).toString()).toBe('a\n');
    const big = 'y'.repeat(5000);
    const chunks = [...utf8Chunks(['a', big, 'b'], 1024)];
    expect(chunks.map((chunk) => chunk.length)).toEqual([1, 5000, 2]);
    expect(renderedText(['a', big, 'b'])).toBe(`a${big}b`);
  });
});
