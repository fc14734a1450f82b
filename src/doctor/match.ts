// Which naming convention fits the stored series best: every candidate (preset) is scored by
// the measures it would find and the labels ml-cost needs that those series carry. Pure.
import type { NameStats } from '../core/inspection.js';
import type { MeasureKind } from '../core/measures.js';
import { METRICS, type Metric } from '../core/types.js';

export interface NamingLabels {
  readonly useCase: string;
  readonly modelName: string;
  readonly gpuType: string;
}

/** A way of naming the measures: a preset, or what the config makes of one. */
export interface Naming {
  readonly name: string;
  /** Stored names by measure; a measure left out (or with none) is not read. */
  readonly metrics: Readonly<Partial<Record<Metric, readonly string[]>>>;
  readonly labels: NamingLabels;
  /** How each measure is read where that is not a counter (gauge, presence): timing means otherwise. */
  readonly kinds?: Readonly<Partial<Record<Metric, MeasureKind>>>;
  /**
   * The labels each measure's series must carry where not the three above: a cluster's
   * namespace (the use case), kube-state-metrics' node (the GPU type).
   */
  readonly neededLabels?: Readonly<Partial<Record<Metric, readonly string[]>>>;
}

/** The labels a measure's series must carry: use case and model to group, GPU type to price. */
export function neededLabels(
  metric: Metric,
  naming: Pick<Naming, 'labels' | 'neededLabels'>,
): string[] {
  const listed = naming.neededLabels?.[metric];
  if (listed) return [...listed];
  const { labels } = naming;
  const needed = [labels.useCase, labels.modelName];
  if (metric === 'gpu_seconds') needed.push(labels.gpuType);
  return [...new Set(needed)];
}

export interface MeasureFit {
  readonly metric: Metric;
  /** Stored names of the measure that have series, with their series counts. */
  readonly found: readonly { readonly name: string; readonly series: number }[];
  /** Label names the found series carry. */
  readonly labels: readonly string[];
  readonly missingLabels: readonly string[];
}

export interface NamingFit {
  readonly naming: Naming;
  readonly measures: readonly MeasureFit[];
  /** Measures found, then needed labels present: higher is better. */
  readonly score: number;
}

export function fitNaming(naming: Naming, names: Readonly<Record<string, NameStats>>): NamingFit {
  let score = 0;
  const measures = METRICS.map((metric): MeasureFit => {
    const found = (naming.metrics[metric] ?? []).flatMap((name) => {
      const stats = names[name];
      return stats ? [{ name, series: stats.series }] : [];
    });
    const labels = [...new Set(found.flatMap(({ name }) => names[name]?.labels ?? []))].sort();
    const needed = neededLabels(metric, naming);
    const missingLabels =
      found.length === 0 ? [] : needed.filter((label) => !labels.includes(label));
    if (found.length > 0) score += 10 + needed.length - missingLabels.length;
    return { metric, found, labels, missingLabels };
  });
  return { naming, measures, score };
}

/**
 * The candidate that fits best, when it fits better than the current naming; the first such
 * in the candidates' order on a tie.
 */
export function closestNaming(
  current: NamingFit,
  candidates: readonly NamingFit[],
): NamingFit | null {
  let best: NamingFit | null = null;
  for (const candidate of candidates) {
    if (candidate.naming.name === current.naming.name) continue;
    if (candidate.score > (best?.score ?? current.score)) best = candidate;
  }
  return best;
}
