// The HTML pages of report, forecast, rank and gate, opened in a real headless Chromium with
// the network blocked, from a real VictoriaMetrics whose every figure is known by hand.
// Screenshots go to test-output/html/ (gitignored) for people to look at.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchChromium, type OpenedPage } from '../helpers/chromium.js';
import { type CliResult, runCli, writeCatalogue } from '../helpers/cli.js';
import { svgStructure } from '../helpers/svg-structure.js';
import { hourlyCounter, startVictoria, type Victoria } from '../helpers/victoria.js';

const SCREENSHOTS = fileURLToPath(new URL('../../test-output/html/', import.meta.url));

const START = Date.UTC(2026, 5, 30, 12);
const END = Date.UTC(2026, 6, 9);

// Label values are data: markup, quotes, ampersands and a name too long for any axis.
const HOSTILE = `<script>alert("x")</script> & 'q' <img src=x onerror=alert(1)>`;
const LONG = 'a-very-long-use-case-name-'.repeat(8);

const counter = (metric: Record<string, string>, perHour: number) =>
  hourlyCounter(metric, perHour, START, END);

const series = (useCase: string, gpuType: string, gpuHoursPerHour: number) => [
  counter(
    { __name__: 'ml_gpu_seconds_total', use_case: useCase, model_name: 'm', gpu_type: gpuType },
    gpuHoursPerHour * 3600,
  ),
  counter(
    { __name__: 'ml_inference_duration_milliseconds_count', use_case: useCase, model_name: 'm' },
    100,
  ),
  counter({ __name__: 'ml_inference_tokens_total', use_case: useCase, model_name: 'm' }, 5000),
];

// Per hour: chat 1 H100-hour at 4 (EUR 4), the hostile one 0.5 A100-hour at 3 (EUR 1.50), the
// long one 2 L4-hours at 0.5 (EUR 1), edge 1 TPU-hour with no rate (unpriced).
const fixture = [
  ...series('chat', 'H100', 1),
  ...series(HOSTILE, 'A100', 0.5),
  ...series(LONG, 'L4', 2),
  ...series('edge', 'TPU', 1),
];
const WINDOW = ['--from', '2026-07-01T00:00:00Z', '--to', '2026-07-08T00:00:00Z'];
const HOURS = 7 * 24;
const TOTAL = (4 + 1.5 + 1) * HOURS; // 1,092.00
const UNPRICED_HOURS = HOURS;

let vm: Victoria;
let browser: Browser;
let catalogue: string;
let work: string;

beforeAll(async () => {
  [vm, browser] = await Promise.all([startVictoria(), launchChromium()]);
  await vm.import(fixture);
  catalogue = await writeCatalogue([
    {
      version: 'v1',
      effective_from: '2026-06-01T00:00:00Z',
      gpu_hour: { H100: 4, A100: 3, L4: 0.5 },
    },
  ]);
  work = await mkdtemp(join(tmpdir(), 'ml-cost-html-'));
  await writeFile(
    join(work, 'ml-cost.config.json'),
    JSON.stringify({
      use_cases: { chat: { value_per_inference: 0.05 }, [HOSTILE]: { value_per_inference: 0.001 } },
    }),
  );
  await mkdir(SCREENSHOTS, { recursive: true });
});
afterAll(async () => {
  await Promise.allSettled([vm?.stop(), browser?.close()]);
  await Promise.all(
    [catalogue, work].filter(Boolean).map((dir) => rm(dir, { recursive: true, force: true })),
  );
});

function cli(args: readonly string[]): Promise<CliResult> {
  return runCli([...args, '--source', vm.url, '--catalogue', catalogue], { cwd: work });
}

/** Runs a command twice, as JSON and as a page, and opens the page. */
async function both(
  name: string,
  args: readonly string[],
  expectedCode = 0,
): Promise<{ json: Record<string, unknown>; opened: OpenedPage; html: string }> {
  const file = join(work, `${name}.html`);
  const [json, page] = await Promise.all([
    cli([...args, '--format', 'json']),
    cli([...args, '--format', 'html', '--output', file]),
  ]);
  expect(json.code, json.stderr).toBe(expectedCode);
  expect(page.code, page.stderr).toBe(expectedCode);
  const opened = await browser.open(file);
  await opened.page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  return { json: JSON.parse(json.stdout), opened, html: await readFile(file, 'utf8') };
}

/** The page loaded on its own: nothing fetched, nothing logged, no script ran. */
async function expectSelfContained(opened: OpenedPage): Promise<void> {
  expect(opened.blocked).toEqual([]);
  expect(opened.errors).toEqual([]);
  expect(opened.dialogs).toEqual([]);
  expect(await opened.page.locator('script').count()).toBe(0);
  expect(await opened.page.locator('img').count()).toBe(0);
}

/** The bars ECharts drew in the nth chart of the page (marker lines are "silent"). */
function bars(opened: OpenedPage, chart: number) {
  return opened.page
    .locator('figure.chart')
    .nth(chart)
    .locator('path[ecmeta_ssr_type="chart"]:not([ecmeta_silent])');
}

async function columnCells(opened: OpenedPage, title: string) {
  const headers = await opened.page.locator('thead th').allTextContents();
  const index = headers.indexOf(title);
  expect(index, `${title} in ${headers.join(', ')}`).toBeGreaterThanOrEqual(0);
  const body = await opened.page.locator(`tbody tr td:nth-child(${index + 1})`).allTextContents();
  const footer = opened.page.locator(`tfoot td:nth-child(${index + 1})`);
  const total = (await footer.count()) > 0 ? await footer.textContent() : '';
  return { body, total: total ?? '' };
}

const cents = (text: string) => Math.round(Number(text.replace(/[^0-9.-]/g, '')) * 100);
const money = (value: number) =>
  value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

describe('report --format html', () => {
  it('shows one bar per priced group, the unpriced one marked, totals equal to the JSON', async () => {
    const { json, opened, html } = await both('report-day', [
      'report',
      ...WINDOW,
      '--by',
      'use_case',
      '--granularity',
      'day',
    ]);
    await expectSelfContained(opened);
    const totals = json.totals as { cost_eur: number; unpriced_gpu_hours: number };
    expect(totals.cost_eur).toBeCloseTo(TOTAL, 6);
    expect(totals.unpriced_gpu_hours).toBeCloseTo(UNPRICED_HOURS, 6);

    // Cost by group: chat, the hostile one and the long one have bars; edge has a label only.
    expect(await bars(opened, 0).count()).toBe(3);
    const groupChart = (await opened.page.locator('figure.chart').nth(0).textContent()) ?? '';
    expect(groupChart).toContain(`edge — unpriced, ${money(UNPRICED_HOURS)} GPU-h`);
    // Cost by day: 7 days, 3 priced groups stacked.
    expect(await bars(opened, 1).count()).toBe(7 * 3);
    expect(await opened.page.locator('.callout').textContent()).toContain(
      `${money(UNPRICED_HOURS)} GPU-hours`,
    );

    // The table's totals row is the JSON's total, and its rows add up to it to the cent.
    const cost = await columnCells(opened, 'cost EUR');
    expect(cost.total).toBe(`${money(TOTAL)}*`);
    expect(cents(cost.total)).toBe(Math.round(totals.cost_eur * 100));
    const priced = cost.body.filter((cell) => cell !== 'unpriced');
    expect(priced.reduce((sum, cell) => sum + cents(cell), 0)).toBe(cents(cost.total));
    expect(cost.body.filter((cell) => cell === 'unpriced')).toHaveLength(7);

    // The hostile label is shown as text, in the table and in the chart, never as markup.
    const labels = await columnCells(opened, 'use_case');
    expect(labels.body).toContain(HOSTILE);
    expect(labels.body).toContain(LONG);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;');

    // The reader can trace the figures: window, zone, source, catalogue version and hash.
    const context = (await opened.page.locator('dl.context').textContent()) ?? '';
    const catalogueJson = json.catalogue as { hash: string; versions: string[] };
    expect(context).toContain('2026-07-01T00:00:00Z → 2026-07-08T00:00:00Z');
    expect(context).toContain('UTC');
    expect(context).toContain(vm.url);
    expect(context).toContain(`catalogue ${catalogueJson.versions.join(', ')}`);
    expect(context).toContain(`hash ${catalogueJson.hash}`);

    const dark = await browser.open(join(work, 'report-day.html'), { colorScheme: 'dark' });
    await dark.page.screenshot({ path: join(SCREENSHOTS, 'report-day-dark.png'), fullPage: true });
    const background = await dark.page.evaluate('getComputedStyle(document.body).backgroundColor');
    expect(background).not.toBe('rgb(255, 255, 255)');

    expect(svgStructure(html)).toMatchSnapshot();
  });
});

describe('forecast --format html', () => {
  it('draws daily actuals, the projection and the budget; the table equals the JSON', async () => {
    const { json, opened, html } = await both('forecast', [
      'forecast',
      '--month',
      '2026-07',
      '--as-of',
      '2026-07-08T00:00:00Z',
      '--budget',
      '2000',
    ]);
    await expectSelfContained(opened);
    // EUR 156 a priced day: 7 closed days, 24 projected; run-rate 1,092 / 168 h × 744 h.
    const runRate = json.run_rate as { forecast_eur: number };
    expect(runRate.forecast_eur).toBeCloseTo(156 * 31, 6);
    const daily = bars(opened, 0);
    expect(await daily.count()).toBe(31);
    const toDate = await columnCells(opened, 'to date EUR');
    // The edge TPU-hour has no rate: the priced cost is a lower bound (README, unit costs).
    expect(toDate.total).toBe(`≥ ${money(TOTAL)}`);
    const projected = await columnCells(opened, 'run-rate EUR');
    expect(cents(projected.total)).toBe(Math.round(runRate.forecast_eur * 100));
    const cumulative = (await opened.page.locator('figure.chart').nth(1).textContent()) ?? '';
    expect(cumulative).toContain('budget');
    // 156 a day passes 2,000 on day 13 (2,028).
    expect(cumulative).toContain('crossed 2026-07-13');
    expect(svgStructure(html)).toMatchSnapshot();
  });
});

describe('rank --format html', () => {
  it('draws cost and value share per use case and leads with the summary sentence', async () => {
    const { json, opened, html } = await both('rank', ['rank', ...WINDOW]);
    await expectSelfContained(opened);
    const summary = json.summary as { total_cost_eur: number; text: string };
    expect(await opened.page.locator('p.headline').textContent()).toBe(summary.text);
    const cost = await columnCells(opened, 'cost EUR');
    expect(cents(cost.total)).toBe(Math.round(summary.total_cost_eur * 100));
    expect(cents(cost.total)).toBe(TOTAL * 100);
    // Cost share for the 3 priced use cases; value share for the 2 with a value set (the
    // hostile one 0.001 × 100 per hour: EUR 16.80; chat EUR 840).
    expect(await bars(opened, 0).count()).toBe(3 + 2);
    // The hostile use case earns 0.10 an hour for 1.50 of cost: marginal, and marked so.
    expect(await opened.page.locator('tr.marginal').count()).toBe(1);
    expect(await opened.page.locator('tr.marginal td').first().textContent()).toBe(HOSTILE);
    expect(svgStructure(html)).toMatchSnapshot();
  });
});

describe('gate --format html', () => {
  it('shows each check against its limit, the breach in the title and exit 1', async () => {
    const { json, opened, html } = await both(
      'gate',
      ['gate', ...WINDOW, '--budget', '1000', '--max-unpriced-share', '50'],
      1,
    );
    await expectSelfContained(opened);
    expect(await opened.page.locator('h1.fail').textContent()).toBe(
      'ml-cost gate: FAILED (1 of 2 checks)',
    );
    expect(await bars(opened, 0).count()).toBe(2);
    const checks = json.checks as { measured: number; status: string }[];
    const measured = await columnCells(opened, 'measured');
    expect(measured.body[0]).toBe(`≥ ${money(checks[0]?.measured ?? Number.NaN)} EUR`);
    // A lower bound, as the TPU-hour has no rate: it cannot pass a budget, only prove a breach.
    expect(measured.body[0]).toBe(`≥ ${money(TOTAL)} EUR`);
    expect(await columnCells(opened, 'status').then((cells) => cells.body)).toEqual([
      'FAIL',
      'PASS',
    ]);
    expect(svgStructure(html)).toMatchSnapshot();
  });
});
