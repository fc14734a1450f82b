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

  it('refuses a key repeated in one object, which JSON.parse would silently overwrite', () => {
    const text = '{\n  "gpu_hour": {\n    "L4": 0.71,\n    "H100": 4.1,\n    "L4": 7.1\n  }\n}';
    expect(parseJsonText(text)).toEqual({
      ok: false,
      problem:
        'key "L4" appears twice in one object (line 5, column 5): JSON would keep only the last value without a word; remove one',
    });
  });

  it('sees an escaped spelling of a key as the same key', () => {
    const result = parseJsonText('{"L4": 1, "\\u004c4": 2}');
    expect(!result.ok && result.problem).toMatch(/^key "L4" appears twice/);
  });

  it('lets the same key appear in different objects, and keys appear as values', () => {
    const text = '{"a": {"x": 1}, "b": {"x": 2}, "c": ["a", "a", {"x": "x"}], "d": "a"}';
    expect(parseJsonText(text).ok).toBe(true);
    expect(parseJsonText('{"a\\"": 1, "a": 2}').ok).toBe(true);
  });
});
