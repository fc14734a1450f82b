// Where usage without a GPU type gets one: between the source and attribution. The source
// groups by the node label (and the labels the config's gpu_types rules read); a series of a
// measure priced per GPU-hour that carries no GPU type is given the type of its node (config
// first, then, with kubernetes-gpu, what the DCGM series of the node say: one extra query).
// Usage still without a type stays unpriced, and a note names its nodes and the fix.
import type { CommandContext } from './commands/options.js';
import {
  type GpuTypeSettings,
  GpuTypes,
  type NodeGpuUsage,
  nodeFindings,
} from './core/gpu-types.js';
import { measureOf } from './core/measures.js';
import type { Note } from './core/report.js';
import type { BucketSeries, Metric } from './core/types.js';
import { safeText } from './safe-text.js';
import type { UsageQuery } from './sources/types.js';

/** Nodes named in a note, at most. */
const NODES_NAMED = 5;

/** How a context finds GPU types by node: the settings, and the lookup measure if any. */
export interface GpuTypeLookup {
  readonly settings: GpuTypeSettings;
  /** The measure whose series tell a node's GPUs, and the labels naming their node. */
  readonly fromMeasure?: { readonly metric: Metric; readonly nodeLabels: readonly string[] };
}

export interface GpuTypePlan {
  /** Labels the source must group by as well. */
  readonly labelsRead: readonly string[];
  /** The series with its GPU type set where it had none and one is known. */
  assign(series: BucketSeries): BucketSeries;
  /** Notes on the usage left without a GPU type. */
  notes(): Note[];
}

export async function planGpuTypes(
  context: Pick<CommandContext, 'gpuTypes' | 'labels' | 'metrics' | 'readings' | 'source'>,
  request: { readonly edges: Float64Array; readonly reads: readonly Metric[] },
): Promise<GpuTypePlan | undefined> {
  const lookup = context.gpuTypes;
  if (!lookup || !request.reads.some((metric) => measureOf(metric).pricedPerGpuHour)) {
    return undefined;
  }
  const types = new GpuTypes(lookup.settings, await lookUpNodes(context, lookup, request.edges));
  const { gpuType: typeLabel, migProfile: migLabel } = context.labels;
  const nodeLabel = lookup.settings.nodeLabel;
  // Seconds without a type, by measure and node.
  const unknown = new Map<Metric, Map<string, number>>();

  return {
    labelsRead: types.labelsRead,
    assign(series) {
      if (!measureOf(series.metric).pricedPerGpuHour || (series.labels[typeLabel] ?? '') !== '') {
        return series;
      }
      const answer = types.typeOf(series.labels);
      if (answer) {
        const labels = { ...series.labels, [typeLabel]: answer.gpuType };
        if (migLabel !== undefined && answer.migProfile !== '')
          labels[migLabel] = answer.migProfile;
        return { ...series, labels };
      }
      let nodes = unknown.get(series.metric);
      if (!nodes) {
        nodes = new Map();
        unknown.set(series.metric, nodes);
      }
      const node = series.labels[nodeLabel] ?? '';
      nodes.set(node, (nodes.get(node) ?? 0) + total(series.values));
      return series;
    },
    notes() {
      return [...unknown].flatMap(([metric, nodes]) => {
        const seconds = [...nodes.values()].reduce((sum, s) => sum + s, 0);
        if (!(seconds > 0)) return [];
        return [{ text: unknownText(metric, nodes, seconds, nodeLabel, types, lookup) }];
      });
    },
  };
}

/** What the lookup measure's series say about each node's GPUs, over the whole window. */
async function lookUpNodes(
  context: Pick<CommandContext, 'labels' | 'metrics' | 'source'>,
  lookup: GpuTypeLookup,
  edges: Float64Array,
) {
  const from = lookup.fromMeasure;
  const names = from ? context.metrics[from.metric] : undefined;
  if (!from || names === undefined || edges.length < 2) return undefined;
  const { gpuType: typeLabel, migProfile: migLabel } = context.labels;
  const query: UsageQuery = {
    edges: Float64Array.of(edges[0] as number, edges[edges.length - 1] as number),
    by: from.nodeLabels,
    filters: [],
    metrics: { [from.metric]: names },
    // Which GPUs a node has, not how busy they were: the time their series exist.
    readings: { [from.metric]: { kind: 'presence', scale: 1 } },
    gpuTypeLabel: typeLabel,
    ...(migLabel === undefined ? {} : { migProfileLabel: migLabel }),
  };
  const usage: NodeGpuUsage[] = [];
  await context.source.fetch(query, (series) => {
    const node = from.nodeLabels.map((label) => series.labels[label] ?? '').find((v) => v !== '');
    usage.push({
      node: node ?? '',
      gpuType: series.labels[typeLabel] ?? '',
      migProfile: migLabel === undefined ? '' : (series.labels[migLabel] ?? ''),
      seconds: total(series.values),
    });
  });
  return nodeFindings(usage);
}

function total(values: Float64Array): number {
  let sum = 0;
  for (const value of values) if (!Number.isNaN(value)) sum += value;
  return sum;
}

function unknownText(
  metric: Metric,
  nodes: ReadonlyMap<string, number>,
  seconds: number,
  nodeLabel: string,
  types: GpuTypes,
  lookup: GpuTypeLookup,
): string {
  const measure = measureOf(metric);
  const amount = `${(seconds / measure.output.divideBy).toFixed(2)} ${measure.output.title}`;
  const biggest = [...nodes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const named = biggest.slice(0, NODES_NAMED).map(([node]) => {
    if (node === '') return `no ${nodeLabel} (pods not scheduled)`;
    const several = types.severalTypes(node);
    const name = `${nodeLabel}=${JSON.stringify(safeText(node))}`;
    return several ? `${name} has GPUs of several types: ${safeText(several.join(', '))}` : name;
  });
  const more = nodes.size > NODES_NAMED ? `; ${nodes.size} nodes in all` : '';
  const why = lookup.fromMeasure
    ? 'neither gpu_types in the config nor the DCGM series of the node give it one'
    : 'the series name their node, not the GPU, and gpu_types in the config gives none';
  return `no GPU type for ${amount} of ${measure.words} (unpriced): ${why} (${named.join('; ')}${more}); map each node to a GPU type with gpu_types.by_node in the config, e.g. { "gpu_types": { "by_node": { "gpu-node-1": "H100-80GB" } } }`;
}
