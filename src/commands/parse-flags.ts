// Flag values that name labels, filters and amounts, checked into one-line usage errors.
import { UsageError } from '../errors.js';
import { isLabelName } from '../sources/promql.js';
import type { LabelFilter } from '../sources/types.js';

export function parseBy(text: string | undefined): string[] {
  if (text === undefined) return [];
  const labels = text
    .split(',')
    .map((label) => label.trim())
    .filter((label) => label !== '');
  for (const label of labels) {
    if (!isLabelName(label)) {
      throw new UsageError(
        `--by: "${label}" is not a label name (letters, digits, _ and ., not starting with __)`,
      );
    }
  }
  if (new Set(labels).size !== labels.length) throw new UsageError('--by: a label is listed twice');
  return labels;
}

export function parseFilters(filters: readonly string[] | undefined): LabelFilter[] {
  return (filters ?? []).map((text) => {
    const match = /^([^=!]+?)(!=|=)([\s\S]*)$/.exec(text);
    const label = match?.[1]?.trim();
    if (!match || label === undefined || !isLabelName(label)) {
      throw new UsageError(
        `--filter: "${text}" is not label=value or label!=value (e.g. --filter environment=prod)`,
      );
    }
    return { label, op: match[2] as '=' | '!=', value: match[3] ?? '' };
  });
}

export function parseAmount(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new UsageError(`${flag}: "${text}" is not a non-negative number`);
  }
  return value;
}
