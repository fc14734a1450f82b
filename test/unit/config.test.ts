import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { tempDir } from '../helpers/temp.js';

async function dirWith(text?: string): Promise<string> {
  const dir = await tempDir('ml-cost-config-');
  if (text !== undefined) await writeFile(join(dir, 'ml-cost.config.json'), text);
  return dir;
}

describe('loadConfig', () => {
  it('is empty, not an error, when the working directory has no config', async () => {
    expect(await loadConfig(undefined, await dirWith())).toEqual({ config: {}, path: null });
  });

  it('resolves its paths against the file and ignores a byte-order mark', async () => {
    const dir = await dirWith(
      '\uFEFF{"tz":"Europe/Paris","catalogue":"./prices","source":"usage.jsonl"}',
    );
    const { config } = await loadConfig(undefined, dir);
    expect(config).toEqual({
      tz: 'Europe/Paris',
      catalogue: join(dir, 'prices'),
      source: join(dir, 'usage.jsonl'),
    });
  });

  it('keeps URL sources and the example keyword as they are', async () => {
    const url = await loadConfig(undefined, await dirWith('{"source":"http://vm:8428"}'));
    expect(url.config.source).toBe('http://vm:8428');
    const example = await loadConfig(undefined, await dirWith('{"source":"example"}'));
    expect(example.config.source).toBe('example');
  });

  it('names the file, the field path and a likely fix for a misspelt field', async () => {
    const dir = await dirWith('{"gates":{"budjet":1}}');
    await expect(loadConfig(undefined, dir)).rejects.toThrow(
      `${join(dir, 'ml-cost.config.json')}: gates.budjet: unknown field; did you mean "budget"?`,
    );
  });

  it('reads the FOCUS identity of exports, and names a misspelt or empty one', async () => {
    const focus = { billing_account_id: 'acct-42', host_provider_name: 'Example Cloud' };
    const { config } = await loadConfig(
      undefined,
      await dirWith(JSON.stringify({ export: { focus } })),
    );
    expect(config.export?.focus).toEqual(focus);

    const misspelt = await dirWith('{"export":{"focus":{"billing_acount_id":"x"}}}');
    await expect(loadConfig(undefined, misspelt)).rejects.toThrow(
      'export.focus.billing_acount_id: unknown field; did you mean "billing_account_id"?',
    );
    const empty = await dirWith('{"export":{"focus":{"service_name":""}}}');
    await expect(loadConfig(undefined, empty)).rejects.toThrow(/export\.focus\.service_name/);
  });

  it('reads the CSV style and the FOCUS subcategory, and refuses values FOCUS lacks', async () => {
    const ok =
      '{"csv":{"decimal_comma":true},"export":{"focus":{"service_subcategory":"Generative AI"}}}';
    const { config } = await loadConfig(undefined, await dirWith(ok));
    expect(config.csv?.decimal_comma).toBe(true);
    expect(config.export?.focus?.service_subcategory).toBe('Generative AI');
    await expect(
      loadConfig(undefined, await dirWith('{"csv":{"decimal_comma":"yes"}}')),
    ).rejects.toThrow(/csv\.decimal_comma/);
    const compute = '{"export":{"focus":{"service_subcategory":"Virtual Machines"}}}';
    await expect(loadConfig(undefined, await dirWith(compute))).rejects.toThrow(
      /export\.focus\.service_subcategory: must be "AI Platforms" or "Bots"/,
    );
  });

  it('refuses a by that is not a list of distinct label names', async () => {
    const dashed = await dirWith('{"by":["use_case","model-name"]}');
    await expect(loadConfig(undefined, dashed)).rejects.toThrow(
      'by.1: "model-name" is not a label name',
    );
    const twice = await dirWith('{"by":["use_case","use_case"]}');
    await expect(loadConfig(undefined, twice)).rejects.toThrow('by: a label is listed twice');
  });

  it('takes one stored name or a list of them for a metric, and refuses an empty or repeated list', async () => {
    const listed = await dirWith(
      '{"metrics":{"tokens":["vllm:prompt_tokens_total","vllm:generation_tokens_total"],"inferences":"vllm:request_success_total"}}',
    );
    expect((await loadConfig(undefined, listed)).config.metrics).toEqual({
      tokens: ['vllm:prompt_tokens_total', 'vllm:generation_tokens_total'],
      inferences: 'vllm:request_success_total',
    });
    const empty = await dirWith('{"metrics":{"tokens":[]}}');
    await expect(loadConfig(undefined, empty)).rejects.toThrow('metrics.tokens');
    const twice = await dirWith('{"metrics":{"tokens":["a_total","a_total"]}}');
    await expect(loadConfig(undefined, twice)).rejects.toThrow('listed twice');
    const bad = await dirWith('{"metrics":{"tokens":["a_total","bad name"]}}');
    await expect(loadConfig(undefined, bad)).rejects.toThrow('metrics.tokens');
  });

  it('names the file of a config that is not JSON', async () => {
    const dir = await dirWith('{"tz":');
    await expect(loadConfig(undefined, dir)).rejects.toThrow(
      /ml-cost\.config\.json: not valid JSON/,
    );
  });

  it('names a --config file that cannot be read', async () => {
    await expect(loadConfig('missing.json', await dirWith())).rejects.toThrow(
      /--config .*missing\.json: cannot read \(no such file\)/,
    );
  });
});

describe('config errors in ml-cost words', () => {
  it.each([
    ['{"settle_minutes":-1}', 'settle_minutes: must be 0 or more'],
    ['{"settle_minutes":"5"}', 'settle_minutes: must be a number'],
    ['{"marginal_factor":0}', 'marginal_factor: must be more than 0'],
    ['{"gates":{"max_unpriced_share":101}}', 'gates.max_unpriced_share: must be 100 or less'],
    ['{"gates":{"on":"later"}}', 'gates.on: must be "actual" or "forecast"'],
    ['{"by":[]}', 'by: must not be empty'],
    ['{"source":""}', 'source: must not be empty'],
    ['{"use_cases":"chat"}', 'use_cases: must be an object'],
  ])('%s', async (text, message) => {
    const dir = await dirWith(text);
    await expect(loadConfig(undefined, dir)).rejects.toThrow(
      `${join(dir, 'ml-cost.config.json')}: ${message}`,
    );
  });
});

describe('loadConfig: attribution rules', () => {
  const load = async (attribution: unknown) => {
    const dir = await dirWith(JSON.stringify({ attribution }));
    return { dir, result: loadConfig(undefined, dir) };
  };

  it('reads rules on namespace, pod (prefix, regex), container and any label', async () => {
    const rules = [
      { match: { namespace: 'search' }, use_case: 'search' },
      { match: { pod: { prefix: 'chat-' } }, use_case: 'support-chat' },
      { match: { pod: { regex: 'batch-[0-9]+' }, container: 'worker' }, use_case: 'batch' },
      { match: { 'k8s.team': '' }, use_case: { label: 'namespace' } },
    ];
    const { result } = await load({ rules });
    expect((await result).config.attribution).toEqual({ rules });
  });

  it.each([
    [
      'an invalid regular expression, naming the rule',
      {
        rules: [
          { match: { pod: 'a' }, use_case: 'a' },
          { match: { pod: { regex: 'train-(' } }, use_case: 'b' },
        ],
      },
      'attribution.rules.1.match.pod.regex: invalid regular expression "train-(": Unterminated group',
    ],
    [
      'a regex that would escape its anchors',
      { rules: [{ match: { pod: { regex: 'a)|(.*' } }, use_case: 'b' }] },
      'attribution.rules.0.match.pod.regex: invalid regular expression "a)|(.*"',
    ],
    [
      'a matcher of another shape',
      { rules: [{ match: { pod: { suffix: '-0' } }, use_case: 'b' }] },
      'attribution.rules.0.match.pod: must be a string (the exact value), { "prefix": "..." } or { "regex": "..." }',
    ],
    [
      'a label name that is not one',
      { rules: [{ match: { 'bad label': 'x' }, use_case: 'b' }] },
      'attribution.rules.0.match.bad label: "bad label" is not a label name',
    ],
    [
      'an empty use case',
      { rules: [{ match: { pod: 'x' }, use_case: '' }] },
      'attribution.rules.0.use_case: must not be empty',
    ],
    [
      'a misspelt rule field',
      { rules: [{ matches: { pod: 'x' }, use_case: 'b' }] },
      'attribution.rules.0.matches: unknown field; did you mean "match"? (allowed: match, use_case)',
    ],
    ['no rules', { rules: [] }, 'attribution.rules: must not be empty'],
  ])('refuses %s', async (_name, attribution, message) => {
    const { dir, result } = await load(attribution);
    await expect(result).rejects.toThrow(`${join(dir, 'ml-cost.config.json')}: ${message}`);
  });
});
