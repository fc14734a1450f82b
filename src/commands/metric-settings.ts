// Which stored metric each measure is read from, and how: the preset's naming, overridden
// measure by measure by the config's metrics section.
import type { Config, MetricSetting } from '../config.js';
import { measureOf } from '../core/measures.js';
import type { Metric } from '../core/types.js';
import type { Preset } from '../presets.js';
import { parseDuration } from '../sources/sample-interval.js';
import type { MetricNames, MetricReading, StoredNames } from '../sources/types.js';

/**
 * The preset's metric names and readings, overridden measure by measure by the config's: a
 * config entry replaces the preset's name and reading for that measure.
 */
export function metricSettings(
  preset: Preset,
  settings: Config['metrics'],
): { metrics: MetricNames; readings: Partial<Record<Metric, MetricReading>> } {
  const metrics: Partial<Record<Metric, StoredNames>> = { ...preset.metrics };
  const readings: Partial<Record<Metric, MetricReading>> = { ...preset.readings };
  for (const [name, setting] of Object.entries(settings ?? {}) as [Metric, MetricSetting][]) {
    if (setting === undefined) continue;
    delete readings[name];
    if (typeof setting === 'string' || Array.isArray(setting) || !('name' in setting)) {
      metrics[name] = setting as StoredNames;
      continue;
    }
    const { name: stored, kind, scale, scrape_interval } = setting;
    metrics[name] = stored as StoredNames;
    if (kind !== undefined || scale !== undefined || scrape_interval !== undefined) {
      readings[name] = {
        kind: kind ?? measureOf(name).kind,
        scale: scale ?? 1,
        ...(scrape_interval === undefined
          ? {}
          : { intervalMs: parseDuration(scrape_interval) as number }),
      };
    }
  }
  return { metrics, readings };
}
