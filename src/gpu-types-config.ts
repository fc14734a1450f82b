// The config's "gpu_types" section: GPU types for usage whose series do not carry one
// (kube-state-metrics' requests name their node, not the GPU), by node name or by rules on
// any label with the attribution rules' matchers; checked so that a broken entry is an error
// naming it (exit 2), then compiled for the pure core.
import * as z from 'zod/mini';
import { labelName, matcherSchema, toMatcher } from './attribution-config.js';
import { PRINTABLE_NAME } from './catalogue/gpu-names-schema.js';
import type { GpuTypeAnswer, GpuTypeSettings } from './core/gpu-types.js';
import './zod-messages.js';

/** kube-state-metrics' label for a pod's node, unless the preset or the config says otherwise. */
export const DEFAULT_NODE_LABEL = 'node';

const printable = (what: string) =>
  z.string().check(
    z.regex(PRINTABLE_NAME, {
      error: `${what} must be non-empty, with no control characters and no leading or trailing spaces`,
    }),
  );

const gpuType = () => printable('a GPU type (a gpu_hour key or gpu_aliases name of the catalogue)');
const migProfile = () => printable('a MIG profile (e.g. "1g.10gb")');

const ruleSchema = z.strictObject({
  match: z.record(labelName(), matcherSchema, {
    error: 'must be an object of label -> matcher, e.g. { "node": { "prefix": "h100-" } }',
  }),
  gpu_type: gpuType(),
  mig_profile: z.optional(migProfile()),
});

export const gpuTypesSchema = z
  .strictObject({
    /** The label naming the node (default: the preset's, else "node"). */
    node_label: z.optional(labelName()),
    by_node: z.optional(z.record(printable('a node name'), gpuType())),
    rules: z.optional(z.array(ruleSchema).check(z.minLength(1))),
  })
  .check(
    z.refine((section) => section.by_node !== undefined || section.rules !== undefined, {
      error: 'must have by_node (node -> GPU type) or rules',
    }),
  );

export type GpuTypesConfig = z.infer<typeof gpuTypesSchema>;

/**
 * The settings as the core runs them; the node label is the config's, else the preset's. The
 * preset says which label names the resource requested, where MIG slices are read from it.
 */
export function compileGpuTypes(
  config: GpuTypesConfig | undefined,
  preset: { readonly nodeLabel?: string; readonly resourceLabel?: string } = {},
): GpuTypeSettings {
  const whole = (type: string): GpuTypeAnswer => ({ gpuType: type, migProfile: '' });
  return {
    nodeLabel: config?.node_label ?? preset.nodeLabel ?? DEFAULT_NODE_LABEL,
    ...(preset.resourceLabel ? { resourceLabel: preset.resourceLabel } : {}),
    byNode: new Map(
      Object.entries(config?.by_node ?? {}).map(([node, type]) => [node, whole(type)]),
    ),
    rules: (config?.rules ?? []).map((rule) => ({
      match: Object.entries(rule.match).map(([label, matcher]) => ({
        label,
        matcher: toMatcher(matcher),
      })),
      answer: { gpuType: rule.gpu_type, migProfile: rule.mig_profile ?? '' },
    })),
  };
}
