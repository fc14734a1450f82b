// Why a day's unit cost moved, among what ml-cost can see: prices, the GPU-type mix, inference
// volume and tokens per inference. Pure.
//
// Cost per inference = average rate per GPU-hour × GPU-hours per inference, and the average rate
// = Σ over GPU types of share of GPU time × rate. Each factor of the day is held against the
// baseline's (medians of the comparable baseline days; GPU shares pooled over them), as ratios:
//   price   = the day's cost / its GPU-hours priced at the baseline's rates per type
//   gpu mix = Σ share_day × baseline rate / Σ share_baseline × baseline rate
//   volume  = inferences per hour; tokens per inference; GPU-seconds per inference (G).
// Each cause gets the part of the move (|ln ratio|) it explains:
//   price_change                  |ln price|, only when a catalogue version (or an exchange
//                                 rate) of the day is not the baseline's (versions pricing at
//                                 least half its days)
//   gpu_mix_change                |ln gpu mix|, plus |ln G| when at least MIX_SHIFT of the GPU
//                                 time moved between types (another GPU runs at another speed)
//   volume_drop                   |ln G| when inferences per hour fell below VOLUME_DROP of the
//                                 baseline and G rose: fixed GPU time spread over fewer inferences
//   volume_rise                   |ln G| when they rose above 1 / VOLUME_DROP and G fell: the
//                                 same GPU time spread over more
//   tokens_per_inference_change   |ln tokens per inference|
//   gpu_time_per_inference_change |ln G - ln tokens per inference| otherwise: GPU time per token
// The main cause explains the most; ties go to the earlier in this list. A cause counts when it
// explains at least a quarter of the move of the metric furthest out of its band (and at least
// 0.5 %); with none left the drift is 'unexplained'.
import type { CauseEvidence, DriftCause, DriftDay, DriftExplanation } from './drift-types.js';
import { median, sum } from './stats.js';

const MIX_SHIFT = 0.25;
const VOLUME_DROP = 0.7;
const MIN_EFFECT = Math.log(1.005);
const SHARE_OF_MOVE = 0.25;

/** `move`: |ln(value / baseline median)| of the metric furthest out of its band. */
export function explainDrift(
  day: DriftDay,
  baseline: readonly DriftDay[],
  move: number,
): DriftExplanation {
  const evidence = causeEvidence(day, baseline);
  const g = Math.abs(Math.log(evidence.gpuSecondsPerInference));
  const t = evidence.tokensPerInference === null ? 0 : Math.log(evidence.tokensPerInference);
  const shifted = evidence.gpuMixShift >= MIX_SHIFT;
  const dropped = evidence.volume < VOLUME_DROP && evidence.gpuSecondsPerInference > 1;
  const rose = evidence.volume > 1 / VOLUME_DROP && evidence.gpuSecondsPerInference < 1;
  const parts: [DriftCause, number][] = [
    [
      'price_change',
      evidence.newVersions.length > 0 || (evidence.newFxVersions ?? []).length > 0
        ? Math.abs(Math.log(evidence.price))
        : 0,
    ],
    ['gpu_mix_change', Math.abs(Math.log(evidence.gpuMix)) + (shifted ? g : 0)],
    ['volume_drop', dropped ? g : 0],
    ['volume_rise', rose ? g : 0],
    ['tokens_per_inference_change', Math.abs(t)],
    [
      'gpu_time_per_inference_change',
      shifted || dropped || rose ? 0 : Math.abs(Math.log(evidence.gpuSecondsPerInference) - t),
    ],
  ];
  const finite = parts.map(([cause, part]): [DriftCause, number] => [
    cause,
    Number.isFinite(part) ? part : 0,
  ]);
  const threshold = Math.max(MIN_EFFECT, SHARE_OF_MOVE * move);
  const causes = finite
    .filter(([, part]) => part >= threshold)
    // A stable sort keeps the list's order among equals.
    .sort((a, b) => b[1] - a[1])
    .map(([cause]) => cause);
  return { cause: causes[0] ?? 'unexplained', causes, evidence };
}

export function causeEvidence(day: DriftDay, baseline: readonly DriftDay[]): CauseEvidence {
  const baseRates = new Map<string, number>();
  for (const gpuType of new Set(baseline.flatMap((d) => d.gpu.map((u) => u.gpuType)))) {
    const rates = baseline.flatMap((d) =>
      d.gpu.filter((u) => u.gpuType === gpuType && u.gpuHours > 0).map((u) => u.cost / u.gpuHours),
    );
    if (rates.length > 0) baseRates.set(gpuType, median(rates));
  }
  // A type the baseline never ran keeps the day's own rate: its part is the mix, not the price.
  const rateOf = (gpuType: string, hours: number, cost: number) =>
    baseRates.get(gpuType) ?? (hours > 0 ? cost / hours : 0);

  const atBaselineRates = sum(
    day.gpu.map((u) => u.gpuHours * rateOf(u.gpuType, u.gpuHours, u.cost)),
  );
  const price = atBaselineRates > 0 ? day.cost / atBaselineRates : 1;

  const dayShares = shares([day]);
  const baseShares = shares(baseline);
  const dayCosts = new Map(day.gpu.map((u) => [u.gpuType, u] as const));
  const averageRate = (of: ReadonlyMap<string, number>) =>
    sum(
      [...of].map(([gpuType, share]) => {
        const own = dayCosts.get(gpuType);
        return share * rateOf(gpuType, own?.gpuHours ?? 0, own?.cost ?? 0);
      }),
    );
  const baseAverage = averageRate(baseShares);
  const gpuMix = baseAverage > 0 ? averageRate(dayShares) / baseAverage : 1;
  const types = new Set([...dayShares.keys(), ...baseShares.keys()]);
  const gpuMixShift =
    sum(
      [...types].map((type) => Math.abs((dayShares.get(type) ?? 0) - (baseShares.get(type) ?? 0))),
    ) / 2;

  const perHour = (d: DriftDay) => d.inferences / ((d.endMs - d.startMs) / 3_600_000);
  const ratio = (value: number, values: readonly number[]) => {
    const center = median(values);
    return center > 0 ? value / center : Number.NaN;
  };
  const withInferences = baseline.filter((d) => d.inferences > 0);
  const withTokens = withInferences.filter((d) => d.tokens > 0);
  const tokensPerInference =
    day.tokens > 0 && day.inferences > 0 && withTokens.length > 0
      ? ratio(
          day.tokens / day.inferences,
          withTokens.map((d) => d.tokens / d.inferences),
        )
      : null;
  const gpuSeconds = (d: DriftDay) => (d.gpuHours * 3600) / d.inferences;
  const gpuSecondsPerInference =
    day.inferences > 0 ? ratio(gpuSeconds(day), withInferences.map(gpuSeconds)) : Number.NaN;

  const baselineVersions = mainVersions(baseline, (d) => d.versions);
  const baselineFx = mainVersions(baseline, (d) => d.fxVersions ?? []);
  return {
    price,
    gpuMix,
    gpuMixShift,
    volume: ratio(perHour(day), baseline.map(perHour)),
    tokensPerInference,
    gpuSecondsPerInference,
    newVersions: day.versions.filter((version) => !baselineVersions.includes(version)),
    baselineVersions,
    ...(day.fxVersions
      ? { newFxVersions: day.fxVersions.filter((version) => !baselineFx.includes(version)) }
      : {}),
  };
}

/** Each GPU type's share of the GPU-hours of some days. */
function shares(days: readonly DriftDay[]): Map<string, number> {
  const hours = new Map<string, number>();
  for (const d of days) {
    for (const u of d.gpu) hours.set(u.gpuType, (hours.get(u.gpuType) ?? 0) + u.gpuHours);
  }
  const total = sum([...hours.values()]);
  return new Map([...hours].map(([type, h]) => [type, total > 0 ? h / total : 0]));
}

/** The versions that priced at least half of the days (all of them when none did). */
function mainVersions(
  days: readonly DriftDay[],
  versionsOf: (day: DriftDay) => readonly string[],
): string[] {
  const counts = new Map<string, number>();
  for (const d of days) for (const v of versionsOf(d)) counts.set(v, (counts.get(v) ?? 0) + 1);
  const main = [...counts].filter(([, count]) => count * 2 >= days.length).map(([v]) => v);
  return main.length > 0 ? main : [...counts.keys()];
}
