// Opens the data source a command reads: a VictoriaMetrics URL, an export file, or the example
// data, from --source, ML_COST_SOURCE or the config.
import type { Config } from '../config.js';
import { UsageError } from '../errors.js';
import { redactUrl } from '../sources/redact.js';
import type { UsageSource } from '../sources/types.js';
import { io } from './io.js';
import { parseAmount, type SourceFlags } from './options.js';

export async function openSource(flags: SourceFlags, config: Config): Promise<UsageSource> {
  const location = flags.source ?? io.env.ML_COST_SOURCE ?? config.source;
  if (location === undefined || location === '') {
    throw new UsageError(
      'no data source: pass --source http://victoria:8428 (or a VictoriaMetrics export file), set ML_COST_SOURCE, or try --source example',
    );
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location) && !/^https?:\/\//i.test(location)) {
    throw new UsageError(
      `--source ${redactUrl(location)}: only http:// and https:// URLs, or the path of an export file`,
    );
  }
  // Checked whatever the source, so that a typo is never silently ignored.
  const timeout = parseAmount(flags.timeout, '--timeout');
  if (timeout === 0) throw new UsageError('--timeout: must be more than 0 seconds');
  if (/^https?:\/\//i.test(location)) {
    const { createVictoriaSource } = await import('../sources/victoria-metrics.js');
    const deadline = parseAmount(flags.deadline, '--deadline');
    const source = createVictoriaSource({
      url: location,
      ...(timeout === undefined ? {} : { timeoutMs: timeout * 1000 }),
      ...(deadline === undefined ? {} : { runDeadlineMs: deadline * 1000 }),
      bearerToken: io.env.ML_COST_BEARER_TOKEN || undefined,
      basicAuth: io.env.ML_COST_BASIC_AUTH || undefined,
      headers: flags.header ?? [],
      caFile: flags.caFile,
      insecure: flags.insecure === true,
      allowPartial: flags.allowPartial === true,
      ...(flags.verbose ? { log: (line: string) => io.debug(line) } : {}),
    });
    for (const warning of source.warnings) io.warn(warning);
    return source;
  }
  const { createExportFileSource } = await import('../sources/export-file.js');
  if (location === 'example') {
    const { exampleDataPath, EXAMPLE_DATA_HINT } = await import('../example/paths.js');
    return withHintWhenEmpty(createExportFileSource(exampleDataPath()), EXAMPLE_DATA_HINT);
  }
  await refuseUrlWithoutScheme(location);
  return createExportFileSource(location);
}

/**
 * The source, warning once with `hint` when no metric has a series in a window: someone trying
 * the example data with this month's window would otherwise see only zeros.
 */
function withHintWhenEmpty(source: UsageSource, hint: string): UsageSource {
  let hinted = false;
  return {
    description: source.description,
    inspect: (probe) => source.inspect(probe),
    async fetch(query, onSeries) {
      const info = await source.fetch(query, onSeries);
      const asked = Object.values(query.metrics).filter((name) => name !== undefined).length;
      if (!hinted && asked > 0 && info.emptyMetrics.length === asked) {
        hinted = true;
        io.warn(hint);
      }
      return info;
    },
  };
}

/** `--source 127.0.0.1:8428` is a URL without its scheme, not a file: say so. */
async function refuseUrlWithoutScheme(location: string): Promise<void> {
  if (!/^[a-z0-9.-]+:\d+(?:\/|$)/i.test(location)) return;
  const { access } = await import('node:fs/promises');
  const isFile = await access(location).then(
    () => true,
    () => false,
  );
  if (!isFile) {
    throw new UsageError(
      `--source ${location}: no such file; a VictoriaMetrics URL needs its scheme: --source http://${location}`,
    );
  }
}
