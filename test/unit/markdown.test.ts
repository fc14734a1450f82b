import { describe, expect, it } from 'vitest';
import { escapeMarkdown } from '../../src/render/markdown.js';

// What GitHub links as a mention once the Markdown is rendered: @ after a non-word character,
// then a login or org/team name.
const MENTION = /(?:^|[^\w@])@[a-z0-9][a-z0-9-]*(?:\/[a-z0-9_-]+)?/i;

describe('escapeMarkdown', () => {
  it.each([
    ['@octocat'],
    ['ping @security-team now'],
    ['@acme/finops'],
    ['(@x)'],
    ['**@bold**'],
    ['a\n@b'],
    ['@@twice'],
    ['@_under'],
    ['@Ünïcode'],
  ])('keeps %j from mentioning anyone', (text) => {
    const escaped = escapeMarkdown(text);
    expect(escaped).not.toMatch(MENTION);
    // Only an invisible word joiner was added: the text reads the same.
    expect(escaped.replace(/\u2060|\\/g, '').replace(/ /g, '\n')).toBe(text.replace(/ /g, '\n'));
  });

  it('leaves text without mentions as it was, escaping Markdown syntax', () => {
    expect(escapeMarkdown('chat | a_b @ 5 EUR')).toBe('chat \\| a\\_b @ 5 EUR');
  });
});
