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

/** The GPU kinds the DCGM series of one node report: types, and MIG slices by profile. */
export type NodeFinding = readonly GpuTypeAnswer[];

export interface GpuTypeSettings {
  /** The label naming the node on series without a GPU type. */
  readonly nodeLabel: string;
  /** The config's node -> type table (checked first). */
  readonly byNode: ReadonlyMap<string, GpuTypeAnswer>;
  /** The config's rules, after the table; first match wins. */
  readonly rules: readonly GpuTypeRule[];
  /**
   * The label naming the resource requested, when a MIG slice's profile is read from it:
   * kube-state-metrics writes the device plugin's nvidia.com/mig-1g.10gb as nvidia_com_mig_1g_10gb.
   */
  readonly resourceLabel?: string;
}

/** The device plugin's MIG resources ("mixed" strategy) as kube-state-metrics names them. */
const MIG_RESOURCE = /^nvidia_com_mig_([0-9]+g)_([0-9]+gb)(?:_([a-z0-9_]+))?$/;

/**
 * The MIG profile a kube-state-metrics resource requests: nvidia_com_mig_1g_10gb -> 1g.10gb,
 * nvidia_com_mig_1g_10gb_me -> 1g.10gb+me (the plugin writes "+" as "."; both become "_");
 * "" for a whole GPU (nvidia_com_gpu) or another resource.
 */
export function migProfileOfResource(resource: string): string {
  const parts = MIG_RESOURCE.exec(resource);
  if (!parts) return '';
  const suffix = parts[3] ? `+${parts[3].replaceAll('_', '+')}` : '';
  return `${parts[1]}.${parts[2]}${suffix}`;
}

export class GpuTypes {
  /** The labels the sources must group by to tell a series' type: the node's, the rules'. */
  readonly labelsRead: readonly string[];
  private readonly answers = new Map<string, GpuTypeAnswer | undefined>();
  /** Nodes whose DCGM series could not tell which of several kinds a request is. */
  private readonly ambiguous = new Map<string, readonly string[]>();

  constructor(
    private readonly settings: GpuTypeSettings,
    /** By node, what its DCGM series say (kubernetes-gpu); empty: no such lookup. */
    private readonly fromNodes: ReadonlyMap<string, NodeFinding> = new Map(),
  ) {
    const read = new Set([settings.nodeLabel]);
    if (settings.resourceLabel) read.add(settings.resourceLabel);
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

  /** The kinds a node has when they left a request of it without a type. */
  severalTypes(node: string): readonly string[] | undefined {
    return this.ambiguous.get(node);
  }

  private find(labels: Labels): GpuTypeAnswer | undefined {
    const { resourceLabel, nodeLabel, byNode, rules } = this.settings;
    const slice = resourceLabel ? migProfileOfResource(labels[resourceLabel] ?? '') : '';
    const asRequested = (answer: GpuTypeAnswer): GpuTypeAnswer =>
      slice === '' ? answer : { gpuType: answer.gpuType, migProfile: slice };
    const node = labels[nodeLabel] ?? '';
    const listed = node === '' ? undefined : byNode.get(node);
    if (listed) return asRequested(listed);
    for (const rule of rules) {
      if (rule.match.every(({ label, matcher }) => matches(matcher, labels[label] ?? ''))) {
        return asRequested(rule.answer);
      }
    }
    const kinds = node === '' ? undefined : this.fromNodes.get(node);
    if (!kinds) return undefined;
    const candidates = slice === '' ? wholeRequest(kinds) : sliceRequest(kinds, slice);
    if (candidates.length === 1) return candidates[0];
    if (candidates.length > 1) this.ambiguous.set(node, candidates.map(kindName).sort());
    return undefined;
  }
}

/**
 * What a request of nvidia.com/gpu on a node is: one of its whole GPUs; on a node with only
 * MIG slices of one profile (the device plugin's "single" strategy), one such slice.
 */
function wholeRequest(kinds: NodeFinding): GpuTypeAnswer[] {
  const whole = kinds.filter((kind) => kind.migProfile === '');
  return whole.length > 0 ? whole : [...kinds];
}

/** A request of a MIG resource: a slice of that profile, of the node's GPU model. */
function sliceRequest(kinds: NodeFinding, profile: string): GpuTypeAnswer[] {
  const models = new Set(
    kinds.filter((kind) => kind.migProfile === profile).map((kind) => kind.gpuType),
  );
  // No slice of that profile reported (yet): the node's one model, if it has one.
  const from = models.size > 0 ? models : new Set(kinds.map((kind) => kind.gpuType));
  return [...from].map((gpuType) => ({ gpuType, migProfile: profile }));
}

function kindName(kind: GpuTypeAnswer): string {
  return kind.migProfile ? `${kind.gpuType} (MIG ${kind.migProfile})` : kind.gpuType;
}

/** One series of the node lookup: a node's GPUs of one type and profile, and their seconds. */
export interface NodeGpuUsage {
  readonly node: string;
  readonly gpuType: string;
  readonly migProfile: string;
  readonly seconds: number;
}

/** Each node's GPU kinds (type and MIG profile) from the GPU series seen on it in the window. */
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
  return new Map([...byNode].map(([node, kinds]) => [node, [...kinds.values()]]));
}
