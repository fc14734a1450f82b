// The GPU type of usage whose series do not say it: kube-state-metrics' GPU requests carry
// the node they run on, not the GPU model. A type comes from the config's mapping (a node's
// name, or rules on any label, first match wins), else from what the DCGM series of the same
// node say; usage still without one stays unpriced and named. Pure.
import { type LabelMatcher, matches } from './attribution.js';
import type { Labels } from './types.js';

/** A GPU type as the catalogue prices it: a type (key or alias) and a MIG profile ("" whole). */
export interface GpuTypeAnswer {
  readonly gpuType: string;
  readonly migProfile: string;
}

export interface GpuTypeRule {
  /** Every label listed must match (a label a series lacks has the value ""). */
  readonly match: readonly { readonly label: string; readonly matcher: LabelMatcher }[];
  readonly answer: GpuTypeAnswer;
}

/** What the DCGM series of one node say: its GPU type, or that it has several. */
export type NodeFinding =
  | { readonly kind: 'one'; readonly answer: GpuTypeAnswer }
  | { readonly kind: 'several'; readonly types: readonly string[] };

export interface GpuTypeSettings {
  /** The label naming the node on series without a GPU type. */
  readonly nodeLabel: string;
  /** The config's node -> type table (checked first). */
  readonly byNode: ReadonlyMap<string, GpuTypeAnswer>;
  /** The config's rules, after the table; first match wins. */
  readonly rules: readonly GpuTypeRule[];
}

export class GpuTypes {
  /** The labels the sources must group by to tell a series' type: the node's, the rules'. */
  readonly labelsRead: readonly string[];
  private readonly answers = new Map<string, GpuTypeAnswer | undefined>();

  constructor(
    private readonly settings: GpuTypeSettings,
    /** By node, what its DCGM series say (kubernetes-gpu); absent: no such lookup. */
    private readonly fromNodes: ReadonlyMap<string, NodeFinding> = new Map(),
  ) {
    const read = new Set([settings.nodeLabel]);
    for (const rule of settings.rules) for (const { label } of rule.match) read.add(label);
    this.labelsRead = [...read];
  }

  /** The type of a series without one, or undefined: unknown, so unpriced. */
  typeOf(labels: Labels): GpuTypeAnswer | undefined {
    let key = '';
    for (const label of this.labelsRead) {
      const value = labels[label] ?? '';
      key += `${value.length}:${value}`;
    }
    if (this.answers.has(key)) return this.answers.get(key);
    const answer = this.find(labels);
    this.answers.set(key, answer);
    return answer;
  }

  /** What the node lookup found for a node it could not give one type to. */
  severalTypes(node: string): readonly string[] | undefined {
    const found = this.fromNodes.get(node);
    return found?.kind === 'several' ? found.types : undefined;
  }

  private find(labels: Labels): GpuTypeAnswer | undefined {
    const node = labels[this.settings.nodeLabel] ?? '';
    const listed = node === '' ? undefined : this.settings.byNode.get(node);
    if (listed) return listed;
    for (const rule of this.settings.rules) {
      if (rule.match.every(({ label, matcher }) => matches(matcher, labels[label] ?? ''))) {
        return rule.answer;
      }
    }
    const found = node === '' ? undefined : this.fromNodes.get(node);
    return found?.kind === 'one' ? found.answer : undefined;
  }
}

/** One series of the node lookup: a node's GPUs of one type and profile, and their seconds. */
export interface NodeGpuUsage {
  readonly node: string;
  readonly gpuType: string;
  readonly migProfile: string;
  readonly seconds: number;
}

/**
 * Each node's GPU type from the GPU series seen on it. GPUs requested whole (nvidia.com/gpu)
 * are the node's whole GPUs: one type, or several (then the requests cannot tell which). A
 * node with only MIG slices of one profile is the device plugin's "single" strategy, where
 * each nvidia.com/gpu is such a slice.
 */
export function nodeFindings(usage: Iterable<NodeGpuUsage>): Map<string, NodeFinding> {
  const byNode = new Map<string, Map<string, GpuTypeAnswer>>();
  for (const { node, gpuType, migProfile, seconds } of usage) {
    if (node === '' || gpuType === '' || !(seconds > 0)) continue;
    let kinds = byNode.get(node);
    if (!kinds) {
      kinds = new Map();
      byNode.set(node, kinds);
    }
    kinds.set(JSON.stringify([gpuType, migProfile]), { gpuType, migProfile });
  }
  const out = new Map<string, NodeFinding>();
  for (const [node, kinds] of byNode) {
    const all = [...kinds.values()];
    const whole = all.filter((kind) => kind.migProfile === '');
    const candidates = whole.length > 0 ? whole : all;
    const only = candidates.length === 1 ? candidates[0] : undefined;
    out.set(
      node,
      only
        ? { kind: 'one', answer: only }
        : {
            kind: 'several',
            types: candidates
              .map((c) => (c.migProfile ? `${c.gpuType} (MIG ${c.migProfile})` : c.gpuType))
              .sort(),
          },
    );
  }
  return out;
}
