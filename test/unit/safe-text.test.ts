import { describe, expect, it } from 'vitest';
import { safeText } from '../../src/safe-text.js';

describe('safeText', () => {
  it('make terminal escapes visible instead of letting them act', () => {
    expect(safeText('evil\u001b[31mred\nline\u009b')).toBe('evil\\x1b[31mred\\x0aline\\x9b');
  });
});
