// The hint for a field a file does not allow: a typo gets "did you mean", anything else the list.
import { describe, expect, it } from 'vitest';
import { unknownFieldMessage } from '../../src/catalogue/unknown-field.js';

const FIELDS = ['version', 'effective_from', 'currency', 'gpu_hour'];

describe('unknownFieldMessage', () => {
  it('suggests the allowed field within two edits', () => {
    expect(unknownFieldMessage('gpu_hours', FIELDS)).toBe(
      'unknown field; did you mean "gpu_hour"? (allowed: version, effective_from, currency, gpu_hour)',
    );
    expect(unknownFieldMessage('curency', FIELDS)).toMatch(/did you mean "currency"\?/);
  });

  it('says to remove a field that resembles none', () => {
    expect(unknownFieldMessage('price', FIELDS)).toBe(
      'unknown field; remove it (allowed: version, effective_from, currency, gpu_hour)',
    );
  });
});
