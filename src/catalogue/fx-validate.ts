// Validation of exchange-rate files: per file (the zod schema) and across files. Pure: callers
// read the files; every problem comes back as one line "file: field: what to fix (line N)".
import { pairKey } from '../core/effective-prices.js';
import type { FxRate } from '../core/types.js';
import { isoUtc } from '../iso-time.js';
import { FX_FILE_FIELDS, fxRateFileSchema } from './fx-schema.js';
import { topLevelKeyLines } from './json-text.js';
import { describeIssue } from './validate.js';

export interface CheckedFxRate {
  readonly file: string;
  readonly rate: FxRate;
  /** Line of each top-level field, to point cross-file problems at the right line. */
  readonly lines: ReadonlyMap<string, number>;
}

export type FxFileCheck =
  | { readonly ok: true; readonly checked: CheckedFxRate }
  | { readonly ok: false; readonly problems: readonly string[] };

/** Validates one parsed exchange-rate file; `text` is its JSON, for line numbers. */
export function checkFxFile(file: string, parsed: unknown, text: string): FxFileCheck {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return {
      ok: false,
      problems: [
        `${file}: must be a JSON object with version, effective_from, base, quote, rate, source`,
      ],
    };
  }
  const lines = topLevelKeyLines(text);
  const result = fxRateFileSchema.safeParse(parsed);
  if (!result.success) {
    const issues = [...result.error.issues].sort(
      (a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'),
    );
    return {
      ok: false,
      problems: issues.flatMap((issue) =>
        describeIssue(file, parsed, issue, FX_FILE_FIELDS, (key) => lines.get(key)),
      ),
    };
  }
  const data = result.data;
  return {
    ok: true,
    checked: {
      file,
      lines,
      rate: {
        version: data.version,
        effectiveFromMs: Date.parse(data.effective_from),
        base: data.base,
        quote: data.quote,
        rate: data.rate,
        source: data.source,
      },
    },
  };
}

/**
 * Rules that span files: unique version names; one rate per pair and start instant; and one
 * direction per pair. Both EUR->USD and USD->EUR files would make two rates in force at once,
 * and the one that prices an hour would depend on which was read first.
 */
export function checkFxRules(checked: readonly CheckedFxRate[]): string[] {
  const problems: string[] = [];
  const byName = new Map<string, CheckedFxRate>();
  const byPairStart = new Map<string, CheckedFxRate>();
  const direction = new Map<string, CheckedFxRate>();
  const at = (entry: CheckedFxRate, key: string) => {
    const line = entry.lines.get(key);
    return line === undefined ? '' : ` (line ${line})`;
  };
  for (const entry of ordered(checked)) {
    const { rate } = entry;
    const sameName = byName.get(rate.version);
    if (sameName) {
      problems.push(
        `${entry.file}: version: "${rate.version}" is already used by ${sameName.file}; give each exchange-rate version a unique name${at(entry, 'version')}`,
      );
    } else {
      byName.set(rate.version, entry);
    }
    const pair = pairKey(rate.base, rate.quote);
    const first = direction.get(pair);
    if (first && first.rate.base !== rate.base) {
      problems.push(
        `${entry.file}: base: ${rate.base}->${rate.quote} inverts ${first.rate.base}->${first.rate.quote} of ${first.file}; keep one direction per pair (ml-cost divides by the rate for the other)${at(entry, 'base')}`,
      );
      continue;
    }
    if (!first) direction.set(pair, entry);
    const key = `${pair}@${rate.effectiveFromMs}`;
    const sameStart = byPairStart.get(key);
    if (sameStart) {
      problems.push(
        `${entry.file}: effective_from: ${isoUtc(rate.effectiveFromMs)} is already the start of ${rate.base}->${rate.quote} rate "${sameStart.rate.version}" (${sameStart.file}); each rate of a pair needs its own start${at(entry, 'effective_from')}`,
      );
    } else {
      byPairStart.set(key, entry);
    }
  }
  return problems;
}

/** Rates sorted by start, then pair and name: the order Catalogue.fx keeps. */
export function sortFxRates(checked: readonly CheckedFxRate[]): FxRate[] {
  return ordered(checked).map((entry) => entry.rate);
}

/** File order, so "already used by" names the file that sorts first, whatever readdir said. */
function ordered(checked: readonly CheckedFxRate[]): CheckedFxRate[] {
  return [...checked].sort(
    (a, b) =>
      a.rate.effectiveFromMs - b.rate.effectiveFromMs ||
      compare(pairKey(a.rate.base, a.rate.quote), pairKey(b.rate.base, b.rate.quote)) ||
      compare(a.file, b.file),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
