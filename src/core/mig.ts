// What share of a whole GPU's rate a MIG slice costs. Pure.
//
// NVIDIA's MIG user guide names a GPU instance profile "<N>g.<M>gb": N compute slices and M GB
// of memory. A100, H100, H200 and B200 split into 7 compute slices, so a "3g.40gb" instance
// holds 3/7 of the GPU's streaming multiprocessors; A30 and the RTX PRO 6000 Blackwell split
// into 4. ml-cost prices a slice by compute: N / slices of the parent's rate, with the number
// of slices and any profile's share set per GPU type in the catalogue (`mig`).
import type { MigRule } from './types.js';

/**
 * The label dcgm-exporter gives a MIG slice's series: its GPU instance profile, "1g.10gb".
 * Absent on a whole GPU's series. The config's labels.mig_profile renames it.
 */
export const MIG_PROFILE_LABEL = 'GPU_I_PROFILE';

/** Compute slices of a whole GPU when the catalogue does not say: A100, H100, H200, B200. */
export const DEFAULT_MIG_SLICES = 7;

// "1g.10gb", "1g.10gb+me", "1g.24gb+gfx", "1g.12gb-me": the leading number is the compute slices.
const PROFILE = /^([1-9][0-9]?)g\.[0-9]+gb(?:[+-][A-Za-z0-9.]+)*$/;

/**
 * The share of the parent GPU a slice of `profile` costs, in (0, 1]: the catalogue's own
 * share for the profile, else N / slices. Undefined when the profile says no compute slices
 * or more than the GPU has: such a slice is unpriced, never guessed.
 */
export function migShare(rule: MigRule | undefined, profile: string): number | undefined {
  const own = rule?.share;
  if (own !== undefined && Object.hasOwn(own, profile)) return own[profile];
  const match = PROFILE.exec(profile);
  if (!match) return undefined;
  const computeSlices = Number(match[1]);
  const slices = rule?.slices ?? DEFAULT_MIG_SLICES;
  return computeSlices <= slices ? computeSlices / slices : undefined;
}

/** How an unpriced GPU type is named in notes: with its MIG profile when it is a slice. */
export function priceName(gpuType: string, migProfile: string): string {
  return migProfile === '' ? gpuType : `${gpuType} (MIG ${migProfile})`;
}

/**
 * How unpriced usage whose series carry no GPU type is named (a kube-state-metrics request on
 * a node no mapping gives a type): named, not an empty string in a list.
 */
export const NO_GPU_TYPE = '(no GPU type)';

/**
 * One string per GPU type and MIG profile, for maps keyed by what prices usage (the forecast's
 * GPU types): the GPU type itself for a whole GPU, "type\0profile" for a slice. The split is at
 * the last NUL, so every key reads back as it was made; a GPU type holding a NUL (no catalogue
 * name can) comes back with it and stays unpriced.
 */
export function priceKey(gpuType: string, migProfile: string): string {
  return migProfile === '' && !gpuType.includes('\u0000')
    ? gpuType
    : `${gpuType}\u0000${migProfile}`;
}

export function splitPriceKey(key: string): [gpuType: string, migProfile: string] {
  const cut = key.lastIndexOf('\u0000');
  return cut < 0 ? [key, ''] : [key.slice(0, cut), key.slice(cut + 1)];
}
