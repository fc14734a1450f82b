// A scheduled export that finds its file already written: kept when nothing changed, replaced
// when this run read more usage (the first run ran while data was missing), otherwise kept
// with a warning that names the file and what differs. No file at all from an empty source.
// Data: the two-day fixture (helpers/two-days.ts); 2026-11-27 holds chat 24 x 10 and search
// 24 x 100 inferences (2,640), 24 GPU-hours of chat and 12 of search, 79.68 EUR.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, writeCatalogue } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { HOURLY_RATES, twoDayUsage, writeTwoDayFiles } from '../helpers/two-days.js';

const INFERENCES = 'ml_inference_duration_milliseconds_count';
const FULL = twoDayUsage(HOURLY_RATES);

let full: { source: string; catalogue: string };
let noInferences: string;

beforeAll(async () => {
  full = await writeTwoDayFiles('ml-cost-kept-', FULL);
  noInferences = (
    await writeTwoDayFiles(
      'ml-cost-kept-partial-',
      FULL.filter((line) => line.metric.__name__ !== INFERENCES),
    )
  ).source;
});

async function exportDay(
  out: string,
  source: string,
  catalogue = full.catalogue,
  extra: string[] = [],
) {
  return runCli([
    'export',
    '--period',
    '2026-11-27',
    '--output-dir',
    out,
    '--source',
    source,
    '--catalogue',
    catalogue,
    ...extra,
  ]);
}

const DAY_FILE = 'ml-cost-2026-11-27.csv';

describe('export --output-dir over a day already written', () => {
  it('replaces a day written while inferences were missing, and says what grew', async () => {
    const out = await tempDir('ml-cost-kept-out-');
    const first = await exportDay(out, noInferences);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/no series of ml_inference_duration_milliseconds_count/);

    const second = await exportDay(out, full.source);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(
      `ml-cost: replaced ${join(out, DAY_FILE)}: this run read more usage (inferences 0 → 2,640)`,
    );
    // The replaced file is the one a first run on complete data writes.
    const fresh = await tempDir('ml-cost-kept-fresh-');
    await exportDay(fresh, full.source);
    expect(await readFile(join(out, DAY_FILE), 'utf8')).toBe(
      await readFile(join(fresh, DAY_FILE), 'utf8'),
    );
  });

  it('keeps a day that this run would make smaller, and names what would change', async () => {
    const out = await tempDir('ml-cost-kept-out-');
    await exportDay(out, full.source);
    const before = await readFile(join(out, DAY_FILE), 'utf8');

    const second = await exportDay(out, noInferences);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(
      `ml-cost: warning: kept existing ${join(out, DAY_FILE)}, which this run would change (inferences 2,640 → 0): use --overwrite to replace it`,
    );
    expect(await readFile(join(out, DAY_FILE), 'utf8')).toBe(before);
  });

  it('keeps a day priced by another catalogue, naming the cost and the hash that differ', async () => {
    const out = await tempDir('ml-cost-kept-out-');
    await exportDay(out, full.source);
    const before = await stat(join(out, DAY_FILE));
    // One price all day: chat 24 x 3.50 + search 12 x 0.71 = 92.52 EUR instead of 79.68.
    const repriced = await writeCatalogue([
      {
        version: 'v9',
        effective_from: '2026-01-01T00:00:00Z',
        gpu_hour: { 'A100-80GB': 3.5, L4: 0.71 },
      },
    ]);
    const second = await exportDay(out, full.source, repriced);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(
      /warning: kept existing .*ml-cost-2026-11-27\.csv, which this run would change \(.*cost_eur 79\.68 → 92\.52, catalogue_hash [0-9a-f]{12} → [0-9a-f]{12}\): use --overwrite/,
    );
    expect((await stat(join(out, DAY_FILE))).mtimeMs).toBe(before.mtimeMs);

    const forced = await exportDay(out, full.source, repriced, ['--overwrite']);
    expect(forced.code).toBe(0);
    expect(await readFile(join(out, DAY_FILE), 'utf8')).toMatch(/,v9,/);
  });

  it('says a re-run found the day unchanged', async () => {
    const out = await tempDir('ml-cost-kept-out-');
    await exportDay(out, full.source);
    const again = await exportDay(out, full.source);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe(`ml-cost: kept existing ${join(out, DAY_FILE)} (unchanged)\n`);
  });
});

describe('export from a source where no metric has a series', () => {
  it.each([
    [
      'an empty export file',
      async () => {
        const dir = await tempDir('ml-cost-kept-empty-');
        await writeFile(join(dir, 'empty.jsonl'), '');
        return ['--source', join(dir, 'empty.jsonl')];
      },
    ],
    [
      'the wrong metrics preset',
      async () => ['--source', full.source, '--metrics-preset', 'victoriametrics-otlp'],
    ],
  ])('%s: exit 2 and no day file', async (_, sourceArgs) => {
    const out = await tempDir('ml-cost-kept-out-');
    const result = await runCli([
      'export',
      '--period',
      '2026-11-27',
      '--output-dir',
      out,
      '--catalogue',
      full.catalogue,
      ...(await sourceArgs()),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^ml-cost: no export written: no metric had a series in the window at .*; check --source, --metrics-preset/m,
    );
    expect(await readdir(out)).toEqual([]);
  });
});
