import { describe, expect, it } from 'vitest';
import { safeText } from '../../src/safe-text.js';

describe('safeText', () => {
  it('make terminal escapes visible instead of letting them act', () => {
    expect(safeText('evil\u001b[31mred\nline\u009b')).toBe('evil\\x1b[31mred\\x0aline\\x9b');
  });
  it('shows bidirectional overrides instead of letting them reorder a name', () => {
    expect(safeText('L4\u202eBG08\u2066')).toBe('L4\\u202eBG08\\u2066');
    expect(safeText('Ускоритель RTX 6000')).toBe('Ускоритель RTX 6000');
  });
});
