#!/usr/bin/env node
// `npm run bench`: how fast and how lean ml-cost is against a real VictoriaMetrics and on a
// large export file. Starts victoria-metrics on a loopback port, imports generated usage,
// runs `ml-cost report` as users do, and prints every figure beside its goal; the same
// figures go to bench-results/bench.json. Medians of several runs: single runs are noise.
//
//   node scripts/bench.mjs [--runs N] [--quick] [--keep-file]
//
// --quick shrinks every data set tenfold (a smoke test of the script, not a measurement).
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = (path) => new URL(`../dist/${path}`, import.meta.url).href;

let victoriaSource;
try {
  victoriaSource = await import(dist('sources/victoria-metrics.js'));
} catch {
  process.stderr.write('bench: dist/ is missing or stale; run `npm run bench` (it builds first)\n');
  process.exit(2);
}
const { DEFAULT_CONCURRENCY } = victoriaSource;
const { DEFAULT_POINTS_PER_QUERY, planQueries } = await import(dist('sources/query-plan.js'));
const { loadCatalogue } = await import(dist('catalogue/load.js'));
const { exportBatches, writeExportFile } = await import('./bench/data.mjs');
const { median, runNode } = await import('./bench/measure.mjs');
const { replay, startCannedServer, startCountingProxy } = await import('./bench/proxy.mjs');
const { startVictoria } = await import('./bench/victoria.mjs');

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    quick: { type: 'boolean', default: false },
    'keep-file': { type: 'boolean', default: false },
  },
});
const RUNS = Math.max(1, Number(args.runs));
const SCALE = args.quick ? 0.1 : 1;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MB = 1e6;
/** Hourly samples: the report's work is set by groups x hours, not by the scrape rate. */
const IMPORT_INTERVAL_SECONDS = 3600;
const OFFLINE_INTERVAL_SECONDS = 300;
const OFFLINE_MIN_BYTES = Math.round(500 * MB * SCALE);
const ML_COST = join(root, 'bin/ml-cost.js');
/** dpkg-query's field syntax, not a JavaScript template. */
const DPKG_VERSION_FORMAT = ['$', '{Version}'].join('');
/** After all bench data: every window is closed, nothing is cut as "not settled". */
const NOW = '2026-06-01T00:00:00Z';

/** The example generator's metric names, for the native comparisons. */
const METRIC = {
  gpu: 'ml_gpu_seconds_total',
  tokens: 'ml_inference_tokens_total',
  inferences: 'ml_inference_duration_milliseconds_count',
};

const GOALS = {
  /** By day, report and export: wall <= this x the minimal daily-bucket queries, straight. */
  dayRatio: 2,
  dayRssMb: 200,
  /** A total: wall <= this x the same figures priced inside VictoriaMetrics (MetricsQL). */
  nativePricingRatio: 1.2,
  /** Very many groups: wall <= this x ml-cost's own requests sent straight. */
  rawRatio: 1.3,
  manyGroupsRssMb: 250,
  /** By hour: wall <= this x the hourly requests sent straight, peak RSS whatever the rows. */
  hourRatio: 3,
  hourRssMb: 250,
  helpRatio: 1.5,
  peakRssMb: 150,
  offlineMBps: 150,
  /** d ln(time) / d ln(groups x hours), start-up subtracted: 1 is linear. */
  scalingExponent: 1.15,
};

// VictoriaMetrics refuses samples more than two days ahead of its clock, so the data sets sit
// in the past. Each lives in its own span of time, so one server holds them all and a window
// only touches its own series. A bench catalogue version prices 2025 like 2026-07.
const groups = (n) => Math.round(n * SCALE);
const DATASETS = [
  { name: 'A', groups: groups(1_000), start: '2025-01-01', days: 367 },
  { name: 'B', groups: groups(10_000), start: '2026-02-01', days: 32 },
  { name: 'C', groups: groups(100_000), start: '2026-04-01', days: 9 },
];
// native: what the same information costs straight from VictoriaMetrics (see nativeRequests).
const SCENARIOS = [
  { id: '1k x 7d', dataset: 'A', days: 7 },
  { id: '1k x 30d', dataset: 'A', days: 30, headline: true },
  { id: '1k x 365d', dataset: 'A', days: 365 },
  { id: '10k x 7d', dataset: 'B', days: 7 },
  { id: '10k x 30d', dataset: 'B', days: 30, headline: true, memory: true, native: 'pricing' },
  { id: '100k x 7d', dataset: 'C', days: 7, native: 'raw' },
  { id: '1k x 30d by day', dataset: 'A', days: 30, granularity: 'day', native: 'daily' },
  { id: '10k x 30d by day', dataset: 'B', days: 30, granularity: 'day', native: 'daily' },
  {
    id: '10k x 30d by day, export',
    dataset: 'B',
    days: 30,
    granularity: 'day',
    command: 'export',
    native: 'daily',
  },
  { id: '1k x 30d by hour', dataset: 'A', days: 30, granularity: 'hour', native: 'raw' },
  // 7.2 M rows: streamed to the output, in bounded memory.
  { id: '10k x 30d by hour', dataset: 'B', days: 30, granularity: 'hour', native: 'raw' },
  // A month of daily GPU-seconds per use case and GPU type, against that one daily query.
  {
    id: '10k forecast --by use_case',
    dataset: 'B',
    days: 28,
    command: 'forecast',
    native: 'forecast',
  },
  { id: '10k gate --on forecast', dataset: 'B', days: 28, command: 'gate', native: 'raw' },
];
/** The month the forecast cases forecast: the whole of it lies in data set B, and is over. */
const FORECAST_MONTH = '2026-02';
const GROUP_SCALING = ['1k x 7d', '10k x 7d', '100k x 7d'];
const DAY_SCALING = ['1k x 7d', '1k x 30d', '1k x 365d'];

const benchStarted = Date.now();
const log = (message) =>
  process.stderr.write(`[${((Date.now() - benchStarted) / 1000).toFixed(0)}s] ${message}\n`);

const work = await mkdtemp(join(os.tmpdir(), 'ml-cost-bench-'));
let victoria;
try {
  const results = await main();
  await mkdir(join(root, 'bench-results'), { recursive: true });
  const target = join(root, 'bench-results/bench.json');
  await writeFile(target, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(renderTable(results));
  process.stdout.write(`\nFigures written to ${target}\n`);
  process.exitCode = results.goals.every((goal) => goal.pass) ? 0 : 1;
} finally {
  await victoria?.stop();
  if (!args['keep-file']) await rm(work, { recursive: true, force: true });
  else log(`kept ${work}`);
}

async function main() {
  const catalogue = await benchCatalogue();
  log('starting victoria-metrics');
  // Long queries at 100k groups would hit the 30 s default and measure the limit, not the work.
  victoria = await startVictoria(['-search.maxQueryDuration=600s']);
  const machine = await machineInfo(victoria);

  const imports = [];
  for (const dataset of DATASETS) {
    log(`importing data set ${dataset.name}: ${dataset.groups} groups x ${dataset.days} days`);
    const started = Date.now();
    const lines = await victoria.importBatches(
      exportBatches({
        startMs: Date.parse(`${dataset.start}T00:00:00Z`),
        days: dataset.days,
        intervalSeconds: IMPORT_INTERVAL_SECONDS,
        useCases: dataset.groups,
      }),
    );
    const samples = lines * dataset.days * 24;
    imports.push({ ...dataset, series: lines, samples, seconds: (Date.now() - started) / 1000 });
  }

  log('cold start: ml-cost --help against node -e 0');
  const coldStart = await measureColdStart(Math.max(15, RUNS * 3));

  const reports = [];
  for (const scenario of SCENARIOS) {
    log(`report ${scenario.id}`);
    reports.push(await measureReport(scenario, catalogue, coldStart.nodeMs));
  }

  log('offline source: generating a large export file');
  const offline = await measureOffline();

  const results = {
    schema_version: 1,
    measured_at: new Date().toISOString(),
    machine,
    settings: {
      runs_per_figure: RUNS,
      quick: args.quick,
      import_scrape_interval_seconds: IMPORT_INTERVAL_SECONDS,
      offline_scrape_interval_seconds: OFFLINE_INTERVAL_SECONDS,
      ml_cost_concurrency: DEFAULT_CONCURRENCY,
      ml_cost_points_per_request: DEFAULT_POINTS_PER_QUERY,
      victoria_flags: ['-search.maxQueryDuration=600s'],
      datasets: imports,
    },
    cold_start: coldStart,
    reports,
    scaling: {
      groups: scaling(reports, GROUP_SCALING, coldStart.nodeMs),
      days: scaling(reports, DAY_SCALING, coldStart.nodeMs),
    },
    offline,
  };
  results.goals = goals(results);
  results.bench_seconds = Math.round((Date.now() - benchStarted) / 1000);
  return results;
}

/** The shipped catalogue plus a version effective from 2025, so every bench hour is priced. */
async function benchCatalogue() {
  const dir = join(work, 'pricing');
  await mkdir(dir);
  for (const file of await readdir(join(root, 'pricing'))) {
    if (file.endsWith('.json')) await copyFile(join(root, 'pricing', file), join(dir, file));
  }
  const base = JSON.parse(await readFile(join(root, 'pricing/2026-07.json'), 'utf8'));
  const early = {
    ...base,
    version: '2025-01',
    effective_from: '2025-01-01T00:00:00Z',
    notes: 'Benchmark only: the 2026-07 rates, back-dated so that 2025 usage is priced.',
  };
  await writeFile(join(dir, '2025-01.json'), JSON.stringify(early, null, 2));
  return dir;
}

async function machineInfo(server) {
  let victoriaVersion = await server.version();
  if (!victoriaVersion) {
    try {
      victoriaVersion = execFileSync(
        'dpkg-query',
        ['-W', '-f', DPKG_VERSION_FORMAT, 'victoria-metrics'],
        {
          encoding: 'utf8',
        },
      );
    } catch {
      victoriaVersion = 'unknown';
    }
  }
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cpus: os.availableParallelism(),
    memory_gb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    victoria_metrics: victoriaVersion,
  };
}

async function measureColdStart(runs) {
  const node = [];
  const help = [];
  // Interleaved, so a burst of background load hits both sides alike.
  for (let i = 0; i < runs + 1; i++) {
    const bare = await runNode(['-e', '0']);
    const cli = await runNode([ML_COST, '--help']);
    if (cli.code !== 0) throw new Error(`ml-cost --help exited ${cli.code}: ${cli.stderr}`);
    if (i === 0) continue; // warm the page cache
    node.push(bare.ms);
    help.push(cli.ms);
  }
  const nodeMs = median(node);
  const helpMs = median(help);
  return { runs, nodeMs, helpMs, ratio: helpMs / nodeMs };
}

async function measureReport(scenario, catalogue, nodeMs) {
  const dataset = DATASETS.find((candidate) => candidate.name === scenario.dataset);
  // Windows end a day before the data does, so every generated group is live in them (one
  // named use case starts late in the data).
  const toMs = Date.parse(`${dataset.start}T00:00:00Z`) + (dataset.days - 1) * DAY_MS;
  const fromMs = toMs - scenario.days * DAY_MS;
  const hours = (toMs - fromMs) / HOUR_MS;
  const command = scenario.command ?? 'report';
  const windowArgs = {
    forecast: ['--month', FORECAST_MONTH, '--by', 'use_case', '--format', 'json'],
    // Over budget or not, a gate on partly unpriced usage exits 1: checkReport takes both.
    gate: ['--period', FORECAST_MONTH, '--budget', '1e12', '--on', 'forecast', '--format', 'json'],
  }[command] ?? [
    '--from',
    new Date(fromMs).toISOString(),
    '--to',
    new Date(toMs).toISOString(),
    ...(scenario.granularity ? ['--granularity', scenario.granularity] : []),
    // export writes CSV; the report is read as JSON.
    ...(command === 'report' ? ['--format', 'json'] : []),
  ];
  const reportArgs = (source) => [
    ML_COST,
    command,
    '--source',
    source,
    '--catalogue',
    catalogue,
    ...windowArgs,
  ];
  const env = { ML_COST_NOW: NOW, NO_COLOR: '1' };
  const base = { id: scenario.id, groups: dataset.groups, days: scenario.days, hours };
  const check = (run) => checkReport(run, dataset.groups, scenario);

  // Through the counting proxy: how many requests, and which ones to replay. Also a warm-up.
  const proxy = await startCountingProxy(victoria.url);
  let counted;
  try {
    counted = await runNode(reportArgs(proxy.url), { env });
  } finally {
    await proxy.close();
  }
  const failure = check(counted);
  // Per metric, one request per run of equal buckets (src/sources/query-plan.ts): buckets are
  // cut at period edges (UTC days or hours here) and price changes.
  const { versions } = await loadCatalogue(catalogue);
  const step = { day: DAY_MS, hour: HOUR_MS }[scenario.granularity] ?? toMs - fromMs;
  const edges = new Set([toMs]);
  for (let t = fromMs; t < toMs; t += step) edges.add(t);
  for (const v of versions)
    if (v.effectiveFromMs > fromMs && v.effectiveFromMs < toMs) edges.add(v.effectiveFromMs);
  const plan = planQueries(Float64Array.from(edges).sort(), DEFAULT_POINTS_PER_QUERY);
  // Forecasts and gates plan their own windows: their requests are counted, not predicted.
  const expectedRequests = command === 'forecast' || command === 'gate' ? null : 3 * plan.length;
  const native = nativeRequests(scenario.native, fromMs, toMs, versions);
  if (failure) return { ...base, error: failure, requests: proxy.recorded.length };
  const requests = proxy.recorded.length;

  const wall = [];
  const victoriaMs = [];
  const nativeMs = [];
  const rss = [];
  let responseBytes = 0;
  const runs = scenario.headline ? RUNS : Math.max(3, Math.ceil(RUNS / 2));
  for (let i = 0; i < runs; i++) {
    const run = await runNode(reportArgs(victoria.url), { env, measureRss: true });
    const error = check(run);
    if (error) return { ...base, error, requests };
    wall.push(run.ms);
    rss.push(run.maxRssKb / 1024);
    // The same requests with the same concurrency, bodies read and dropped.
    const direct = await replay(victoria.url, proxy.recorded, DEFAULT_CONCURRENCY);
    victoriaMs.push(direct.ms);
    responseBytes = direct.bytes;
    // Interleaved with the runs: the same information the shortest way VictoriaMetrics has.
    if (native) nativeMs.push((await replay(victoria.url, native, DEFAULT_CONCURRENCY)).ms);
  }
  // The same report against answers that cost nothing: ml-cost's own time, Node start included.
  const canned = await startCannedServer(proxy.recorded);
  const alone = [];
  try {
    for (let i = 0; i < runs; i++) {
      const run = await runNode(reportArgs(canned.url), { env });
      const error = check(run);
      if (error) return { ...base, error: `against recorded answers: ${error}`, requests };
      alone.push(run.ms);
    }
  } finally {
    await canned.close();
  }
  const wallMs = median(wall);
  const vmMs = median(victoriaMs);
  return {
    ...base,
    runs,
    requests,
    expected_requests: expectedRequests,
    response_mb: responseBytes / MB,
    wall_ms: wallMs,
    victoria_ms: vmMs,
    ml_cost_alone_ms: median(alone),
    ratio: wallMs / (vmMs + nodeMs),
    native: scenario.native ?? null,
    native_ms: native ? median(nativeMs) : null,
    // 'raw' compares with the replay of ml-cost's own requests (no native requests are built).
    native_ratio:
      scenario.native === 'raw' ? wallMs / vmMs : native ? wallMs / median(nativeMs) : null,
    peak_rss_mb: median(rss),
    peak_rss_mb_max: Math.max(...rss),
    wall_ms_all: wall,
    victoria_ms_all: victoriaMs,
    ml_cost_alone_ms_all: alone,
  };
}

/**
 * A timing of a broken run is no timing: exit 0 and one row per group (per group and period
 * by day or hour, at least one per group), or the reason.
 */
function checkReport(run, expectedGroups, scenario) {
  const command = scenario.command;
  if (command === 'forecast' || command === 'gate')
    return checkForecast(run, expectedGroups, scenario);
  if (run.code !== 0) {
    return `ml-cost exited ${run.code}: ${run.stderr.trim().split('\n').slice(-1)[0] ?? ''}`;
  }
  // Too much output to keep (7.2 M rows by hour): its row lines were counted as it came.
  let rows = run.rowLines;
  if (run.stdout !== null) {
    try {
      const text = run.stdout.toString('utf8');
      rows =
        scenario.command === 'export'
          ? text.split('\n').filter(Boolean).length - 1
          : JSON.parse(text).rows.length;
    } catch (error) {
      return `output is not the JSON report: ${error.message}`;
    }
  }
  const enough = scenario.granularity ? rows >= expectedGroups : rows === expectedGroups;
  return enough ? null : `expected ${expectedGroups} rows, got ${rows}`;
}

/** A forecast has one group per use case; a gate judges (exit 0 or 1) and says so in JSON. */
function checkForecast(run, expectedGroups, scenario) {
  const gate = scenario.command === 'gate';
  if (run.code !== 0 && !(gate && run.code === 1)) {
    return `ml-cost exited ${run.code}: ${run.stderr.trim().split('\n').slice(-1)[0] ?? ''}`;
  }
  let doc;
  try {
    doc = JSON.parse(run.stdout.toString('utf8'));
  } catch (error) {
    return `output is not JSON: ${error.message}`;
  }
  if (gate) return doc.kind === 'gate' ? null : `expected a gate result, got ${doc.kind}`;
  const groups = doc.groups?.length ?? 0;
  return groups === expectedGroups ? null : `expected ${expectedGroups} groups, got ${groups}`;
}

/**
 * The same information the shortest way VictoriaMetrics has, as requests for replay():
 * - daily: per metric, one query_range of increase(m[1d]) with step 1d over the window;
 * - pricing: the window's cost priced inside VictoriaMetrics (increase x a price vector built
 *   with label_set, matched on gpu_type), and GPU-hours, tokens and inferences: 4 queries;
 * - raw: ml-cost's own recorded requests (compared with the replay of them, not built here).
 */
function nativeRequests(kind, fromMs, toMs, versions) {
  if (kind !== 'daily' && kind !== 'pricing' && kind !== 'forecast') return null;
  const by = 'use_case, model_name';
  const form = (path, params) => ({
    method: 'POST',
    path,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: Buffer.from(new URLSearchParams({ ...params, nocache: '1' }).toString()),
  });
  if (kind === 'forecast') {
    // The month's daily GPU-seconds per use case and GPU type: all a forecast by use case uses.
    const month = Date.parse(`${FORECAST_MONTH}-01T00:00:00Z`);
    const next = new Date(month);
    next.setUTCMonth(next.getUTCMonth() + 1);
    const range = {
      start: String((month + DAY_MS) / 1000),
      end: String(next.getTime() / 1000),
      step: '1d',
    };
    return [`sum by (use_case, gpu_type) (increase(${METRIC.gpu}[1d]))`].map((query) =>
      form('/api/v1/query_range', { query, ...range }),
    );
  }
  if (kind === 'daily') {
    const range = { start: String((fromMs + DAY_MS) / 1000), end: String(toMs / 1000), step: '1d' };
    return [
      `sum by (${by}, gpu_type) (increase(${METRIC.gpu}[1d]))`,
      `sum by (${by}) (increase(${METRIC.tokens}[1d]))`,
      `sum by (${by}) (increase(${METRIC.inferences}[1d]))`,
    ].map((query) => form('/api/v1/query_range', { query, ...range }));
  }
  const version = [...versions].reverse().find((v) => v.effectiveFromMs <= fromMs);
  const prices = Object.entries(version.gpuHour)
    .map(([type, rate]) => `label_set(vector(${rate / 3600}), "gpu_type", ${JSON.stringify(type)})`)
    .join(', ');
  const window = `${(toMs - fromMs) / HOUR_MS}h`;
  const at = { time: String(toMs / 1000) };
  return [
    `sum by (${by}) (increase(${METRIC.gpu}[${window}]) * on(gpu_type) group_left() union(${prices}))`,
    `sum by (${by}) (increase(${METRIC.gpu}[${window}])) / 3600`,
    `sum by (${by}) (increase(${METRIC.tokens}[${window}]))`,
    `sum by (${by}) (increase(${METRIC.inferences}[${window}]))`,
  ].map((query) => form('/api/v1/query', { query, ...at }));
}

/** Exponent k in time ~ (groups x hours)^k between neighbouring sizes, start-up subtracted. */
function scaling(reports, ids, nodeMs) {
  const points = ids.map((id) => reports.find((report) => report.id === id));
  const steps = [];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    if (!a?.wall_ms || !b?.wall_ms) {
      steps.push({ from: a?.id, to: b?.id, exponent: null });
      continue;
    }
    const workRatio = (b.groups * b.hours) / (a.groups * a.hours);
    const timeRatio = (b.wall_ms - nodeMs) / (a.wall_ms - nodeMs);
    steps.push({
      from: a.id,
      to: b.id,
      work_ratio: workRatio,
      time_ratio: timeRatio,
      exponent: Math.log(timeRatio) / Math.log(workRatio),
    });
  }
  return {
    points: points.map((point) => ({
      id: point?.id,
      wall_ms: point?.wall_ms ?? null,
      us_per_group_hour:
        point?.wall_ms != null
          ? ((point.wall_ms - nodeMs) * 1000) / (point.groups * point.hours)
          : null,
    })),
    steps,
  };
}

async function measureOffline() {
  const file = join(work, 'usage-export.jsonl');
  const startMs = Date.parse('2026-05-01T00:00:00Z');
  const days = 30;
  const started = Date.now();
  const { bytes, lines } = await writeExportFile(
    file,
    { startMs, days, intervalSeconds: OFFLINE_INTERVAL_SECONDS, useCases: 5_000 },
    OFFLINE_MIN_BYTES,
  );
  log(`offline source: ${(bytes / MB).toFixed(0)} MB in ${(Date.now() - started) / 1000} s`);
  const worker = join(root, 'scripts/bench/offline-worker.mjs');
  const pass = async (mode) => {
    const extra = mode === 'source' ? [String(startMs), String(days * 24)] : [];
    const run = await runNode([worker, mode, file, ...extra], { measureRss: true });
    if (run.code !== 0) throw new Error(`offline ${mode} pass failed: ${run.stderr}`);
    return { ...JSON.parse(run.stdout.toString('utf8')), rssMb: run.maxRssKb / 1024 };
  };
  await pass('source'); // page cache warm-up: both sides then read from memory
  const source = [];
  const naive = [];
  const runs = Math.max(3, Math.ceil(RUNS / 2));
  for (let i = 0; i < runs; i++) {
    source.push(await pass('source'));
    naive.push(await pass('naive'));
  }
  const sourceMs = median(source.map((run) => run.ms));
  const naiveMs = median(naive.map((run) => run.ms));
  return {
    file_mb: bytes / MB,
    lines,
    scrape_interval_seconds: OFFLINE_INTERVAL_SECONDS,
    runs,
    source_ms: sourceMs,
    source_mb_per_s: bytes / MB / (sourceMs / 1000),
    source_peak_rss_mb: median(source.map((run) => run.rssMb)),
    naive_ms: naiveMs,
    naive_mb_per_s: bytes / MB / (naiveMs / 1000),
  };
}

function goals(results) {
  const list = [];
  const byId = (id) => results.reports.find((report) => report.id === id) ?? {};
  const ratioGoal = (id, versus, limit) => {
    const report = byId(id);
    list.push({
      figure: `${id}: wall / ${versus}`,
      value: report.native_ratio ?? null,
      goal: `<= ${limit}`,
      pass: report.native_ratio != null && report.native_ratio <= limit,
    });
  };
  const rssGoal = (id, limit) => {
    const report = byId(id);
    list.push({
      figure: `peak RSS, ${id} (MB)`,
      value: report.peak_rss_mb ?? null,
      goal: `<= ${limit}`,
      pass: report.peak_rss_mb != null && report.peak_rss_mb <= limit,
    });
  };
  for (const id of ['10k x 30d by day', '10k x 30d by day, export']) {
    ratioGoal(id, 'daily-bucket queries straight to VictoriaMetrics', GOALS.dayRatio);
    rssGoal(id, GOALS.dayRssMb);
  }
  ratioGoal('10k x 30d', 'the same figures priced in MetricsQL', GOALS.nativePricingRatio);
  ratioGoal('100k x 7d', "ml-cost's requests sent straight", GOALS.rawRatio);
  // Stricter than "3 x (VictoriaMetrics + writing the bytes)": the writing is not counted.
  for (const id of ['1k x 30d by hour', '10k x 30d by hour']) {
    ratioGoal(id, "ml-cost's requests sent straight", GOALS.hourRatio);
    rssGoal(id, GOALS.hourRssMb);
  }
  rssGoal('100k x 7d', GOALS.manyGroupsRssMb);
  ratioGoal('10k forecast --by use_case', 'the daily GPU-seconds query straight', GOALS.dayRatio);
  ratioGoal('10k gate --on forecast', "ml-cost's requests sent straight", GOALS.dayRatio);
  const wrongCounts = results.reports.filter(
    (report) => report.expected_requests !== null && report.requests !== report.expected_requests,
  );
  list.push({
    figure: 'requests per total report = metrics x price spans',
    value: results.reports
      .filter((report) => report.expected_requests !== null)
      .map((report) => `${report.id}: ${report.requests}`)
      .join(', '),
    goal: '3 metrics x price spans in the window',
    pass: wrongCounts.length === 0,
  });
  list.push({
    figure: 'ml-cost --help / node -e 0',
    value: results.cold_start.ratio,
    goal: `<= ${GOALS.helpRatio}`,
    pass: results.cold_start.ratio <= GOALS.helpRatio,
  });
  const memory = results.reports.find((r) => SCENARIOS.find((s) => s.id === r.id)?.memory);
  list.push({
    figure: `peak RSS, report ${memory.id} (MB)`,
    value: memory.peak_rss_mb ?? null,
    goal: `<= ${GOALS.peakRssMb}`,
    pass: memory.peak_rss_mb != null && memory.peak_rss_mb <= GOALS.peakRssMb,
  });
  list.push({
    figure: `offline source on ${results.offline.file_mb.toFixed(0)} MB (MB/s)`,
    value: results.offline.source_mb_per_s,
    goal: `>= ${GOALS.offlineMBps}`,
    pass: results.offline.source_mb_per_s >= GOALS.offlineMBps,
  });
  for (const [name, table] of Object.entries(results.scaling)) {
    for (const step of table.steps) {
      list.push({
        figure: `scaling by ${name}: ${step.from} -> ${step.to} (exponent)`,
        value: step.exponent,
        goal: `<= ${GOALS.scalingExponent} (1 = linear)`,
        pass: step.exponent != null && step.exponent <= GOALS.scalingExponent,
      });
    }
  }
  return list;
}

function renderTable(results) {
  const lines = [];
  const { machine, settings } = results;
  lines.push(
    `ml-cost bench — ${machine.cpus} CPUs (${machine.cpu}), ${machine.memory_gb} GB, ${machine.os}`,
    `node ${machine.node}, victoria-metrics ${machine.victoria_metrics}; median of ${settings.runs_per_figure} runs per headline figure${settings.quick ? ' (QUICK: data sets 10x smaller)' : ''}`,
    `data: hourly samples; ${settings.datasets.map((d) => `${d.name} = ${d.groups} groups x ${d.days} d (${d.series} series, ${(d.samples / 1e6).toFixed(1)} M samples, imported in ${d.seconds.toFixed(0)} s)`).join('; ')}`,
    '',
    'Reports (ml-cost report --format json, export as CSV; concurrency and chunking as shipped):',
    row([
      'case',
      'requests',
      'response MB',
      'ml-cost s',
      'VM s',
      'ratio',
      'alone s',
      'peak RSS MB',
      'native s',
      'vs native',
    ]),
  );
  for (const report of results.reports) {
    if (report.error) {
      lines.push(row([report.id, String(report.requests ?? '-'), `FAILED: ${report.error}`]));
      continue;
    }
    lines.push(
      row([
        report.id,
        report.expected_requests === null
          ? String(report.requests)
          : `${report.requests} (${report.expected_requests})`,
        report.response_mb.toFixed(0),
        (report.wall_ms / 1000).toFixed(2),
        (report.victoria_ms / 1000).toFixed(2),
        report.ratio.toFixed(2),
        (report.ml_cost_alone_ms / 1000).toFixed(2),
        report.peak_rss_mb.toFixed(0),
        report.native === 'raw'
          ? '(= VM)'
          : report.native_ms == null
            ? '-'
            : (report.native_ms / 1000).toFixed(2),
        report.native_ratio == null ? '-' : report.native_ratio.toFixed(2),
      ]),
    );
  }
  const cold = results.cold_start;
  lines.push(
    '"ratio": wall / (VM + node start). "alone": the same report against its recorded answers served at once (ml-cost\'s own time).',
    '"native": the same information straight from VictoriaMetrics (daily buckets, or priced in MetricsQL); "vs native": wall / native.',
    '',
    `Cold start: node -e 0 ${cold.nodeMs.toFixed(0)} ms, ml-cost --help ${cold.helpMs.toFixed(0)} ms (median of ${cold.runs})`,
  );
  const off = results.offline;
  lines.push(
    `Offline: ${off.file_mb.toFixed(0)} MB export file, ${off.lines} lines: export-file source ${off.source_mb_per_s.toFixed(0)} MB/s (${(off.source_ms / 1000).toFixed(2)} s, peak RSS ${off.source_peak_rss_mb.toFixed(0)} MB); readline + JSON.parse ${off.naive_mb_per_s.toFixed(0)} MB/s`,
  );
  for (const [name, table] of Object.entries(results.scaling)) {
    lines.push(
      `Scaling by ${name}: ${table.points.map((p) => `${p.id} ${p.us_per_group_hour == null ? '-' : p.us_per_group_hour.toFixed(2)} µs/group-hour`).join(', ')}`,
    );
  }
  lines.push('', 'Goals:');
  for (const goal of results.goals) {
    const value = typeof goal.value === 'number' ? goal.value.toFixed(2) : String(goal.value);
    lines.push(`  ${goal.pass ? 'PASS' : 'FAIL'}  ${goal.figure}: ${value}  (goal ${goal.goal})`);
  }
  lines.push('', `Bench run time: ${results.bench_seconds} s`);
  return `${lines.join('\n')}\n`;
}

function row(cells) {
  const widths = [26, 12, 12, 10, 8, 7, 8, 12, 9, 9];
  return cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' ');
}
