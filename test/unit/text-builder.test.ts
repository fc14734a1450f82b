import { describe, expect, it } from 'vitest';
import { TextBuilder } from '../../src/render/text-builder.js';

describe('TextBuilder', () => {
  it('gives back exactly what was appended, across growth and multi-byte characters', () => {
    const pieces = Array.from(
      { length: 20_000 },
      (_, i) => `${i}: é 💸 \u2028 ${'x'.repeat(i % 13)}\n`,
    );
    const builder = new TextBuilder();
    for (const piece of pieces) builder.append(piece);
    expect(builder.toString()).toBe(pieces.join(''));
  });

  it('is empty before anything is appended', () => {
    expect(new TextBuilder().toString()).toBe('');
  });
});
