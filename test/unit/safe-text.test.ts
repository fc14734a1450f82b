import { describe, expect, it } from 'vitest';
import { safeLines, safeText } from '../../src/safe-text.js';

describe('safeText and safeLines', () => {
  it('make terminal escapes visible instead of letting them act', () => {
    expect(safeText('evil\u001b[31mred\nline\u009b')).toBe('evil\\x1b[31mred\\x0aline\\x9b');
  });
  it('keep the line breaks of a message of several lines, nothing else', () => {
    expect(safeLines('a.json: x\nb.json: \u001b[2J')).toBe('a.json: x\nb.json: \\x1b[2J');
  });
});
