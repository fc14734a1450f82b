// Rows gathered by their values of some labels, each group with a value of its own, in a
// stable order. Pure.
import { compareText } from './order.js';
import type { Labels } from './types.js';

/** Per group (a row's values of `by`, absent labels as ''), one value made on its first row. */
export class LabelGroups<T> {
  private readonly entries = new Map<string, { group: Labels; value: T }>();

  constructor(
    private readonly by: readonly string[],
    private readonly make: () => T,
  ) {}

  /** The value of the group these labels belong to. */
  of(labels: Labels): T {
    const values = this.by.map((label) => labels[label] ?? '');
    const key = JSON.stringify(values);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = {
        group: Object.fromEntries(this.by.map((label, i) => [label, values[i] ?? ''])),
        value: this.make(),
      };
      this.entries.set(key, entry);
    }
    return entry.value;
  }

  /** Every group with its value, in the order of the groups' label values. */
  sorted(): { group: Labels; value: T }[] {
    return [...this.entries.entries()]
      .sort(([a], [b]) => compareText(a, b))
      .map(([, entry]) => entry);
  }
}
