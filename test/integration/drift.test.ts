// ml-cost drift against a real VictoriaMetrics fed the seeded drift scenario through its import
// API: the events are found on their day with their cause, and the verdicts, bands and
// deviations are those read from the same counters in an export file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { type DriftFixture, isoDay, writeDriftFixture } from '../helpers/drift-fixture.js';
import { FIRST_CHECKED, SCENARIO_DAYS } from '../helpers/drift-scenario.js';
import { startVictoria, type Victoria } from '../helpers/victoria.js';

let victoria: Victoria;
let fixture: DriftFixture;

beforeAll(async () => {
  fixture = await writeDriftFixture(11);
  victoria = await startVictoria();
  await victoria.import(fixture.lines);
}, 60_000);

afterAll(async () => {
  await victoria?.stop();
});

const drift = (source: string) =>
  runCli(
    [
      'drift',
      '--source',
      source,
      '--catalogue',
      fixture.catalogue,
      '--from',
      isoDay(FIRST_CHECKED),
      '--to',
      isoDay(SCENARIO_DAYS),
      '--format',
      'json',
    ],
    { env: { ML_COST_NOW: '2026-08-20T00:00:00Z' } },
  );

interface JsonGroup {
  group: { use_case: string };
  days: { day: string; status: string; cause: string | null }[];
}

describe('ml-cost drift on VictoriaMetrics', () => {
  it('finds each event on its day, as the export file does', async () => {
    const [live, file] = await Promise.all([drift(victoria.url), drift(fixture.source)]);
    expect(live.code, live.stderr).toBe(0);
    const document = JSON.parse(live.stdout);
    const groups = document.groups as JsonGroup[];
    const first = (useCase: string) =>
      groups.find((g) => g.group.use_case === useCase)?.days.find((d) => d.status === 'drift');
    expect(first('price')).toMatchObject({
      day: isoDay(fixture.events.price),
      cause: 'price_change',
    });
    expect(first('gpu-move')).toMatchObject({
      day: isoDay(fixture.events.move),
      cause: 'gpu_mix_change',
    });
    expect(first('collapse')).toMatchObject({
      day: isoDay(fixture.events.collapse),
      cause: 'volume_drop',
    });
    for (const decoy of ['steady', 'ramp', 'ramp-floor']) expect(first(decoy)).toBeUndefined();
    // The same counters read from a file give the same verdicts and figures.
    const offline = JSON.parse(file.stdout);
    expect(document.groups).toEqual(offline.groups);
  });
});
