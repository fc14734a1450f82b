// JSON file text as catalogue versions and the config file read it.
import { describe, expect, it } from 'vitest';
import { parseJsonText } from '../../src/catalogue/json-text.js';

describe('parseJsonText', () => {
  it('ignores a leading byte-order mark, as editors on Windows write it', () => {
    expect(parseJsonText('\ufeff{"tz":"UTC"}')).toEqual({ ok: true, value: { tz: 'UTC' } });
  });

  it('calls an empty or blank file empty', () => {
    expect(parseJsonText(' \n')).toEqual({
      ok: false,
      problem: 'file is empty; it must hold one JSON object',
    });
  });

  it('names the line and column of a syntax error', () => {
    const result = parseJsonText('{\n  "tz": "UTC",\n}');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toMatch(/^not valid JSON at line 3, column 1: /);
  });
});
