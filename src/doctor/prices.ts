// Doctor's price check: every GPU type, and every MIG slice of one, that the source holds is
// priced by each catalogue version in force, as the ledger would price it. Pure.
import { priceName } from '../core/mig.js';
import { compareText } from '../core/order.js';
import { priceKeyOf, rateOf } from '../core/prices.js';
import type { Add, DoctorInput, DoctorReport } from './diagnose.js';

export function checkPrices(input: DoctorInput, add: Add): DoctorReport['gpuTypes'] {
  // One entry per GPU type and MIG profile: a slice is priced at its share, or not at all.
  const types = new Map<string, { gpuType: string; migProfile: string }>();
  for (const usage of input.observations.gpuUsage) {
    const migProfile = usage.migProfile ?? '';
    types.set(priceName(usage.gpuType, migProfile), { gpuType: usage.gpuType, migProfile });
  }
  return [...types]
    .sort(([a], [b]) => compareText(a, b))
    .map(([name, { gpuType, migProfile }]) => {
      if (gpuType === '') return { gpuType: name, unpricedIn: [] };
      const files = (versions: readonly string[]) =>
        versions.map((v) => `${input.catalogueOrigin}/${v}.json`).join(', ');
      const unpricedIn = input.versions
        // As the ledger prices it: an alias counts, an inherited name ("toString") does not.
        .filter((v) => rateOf(v, gpuType) === undefined)
        .map((v) => v.version);
      if (unpricedIn.length > 0) {
        add(
          'problem',
          `GPU type ${name}`,
          `no rate in catalogue version ${unpricedIn.join(', ')} in force in the window: its GPU time is unpriced`,
          `add "${gpuType}" to gpu_hour, or to gpu_aliases naming the GPU type it is, in ${files(unpricedIn)}, or correct the ${input.current.labels.gpuType} label`,
        );
        return { gpuType: name, unpricedIn };
      }
      const key = (input.versions[0] && priceKeyOf(input.versions[0], gpuType)) ?? gpuType;
      const sliceUnpricedIn = input.versions
        .filter((v) => rateOf(v, gpuType, migProfile) === undefined)
        .map((v) => v.version);
      if (sliceUnpricedIn.length > 0) {
        add(
          'problem',
          `GPU type ${name}`,
          `MIG profile "${migProfile}" has no share of the GPU in catalogue version ${sliceUnpricedIn.join(', ')} in force in the window: its GPU time is unpriced`,
          `set mig.<GPU type>.share or slices for "${key}" in ${files(sliceUnpricedIn)}, or correct the series' MIG profile label (labels.mig_profile)`,
        );
      }
      return { gpuType: name, unpricedIn: sliceUnpricedIn };
    });
}
