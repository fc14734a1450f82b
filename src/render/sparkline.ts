// One character per value, eighths of a block high, for charts inside a terminal table's
// footnotes. Decoration for people at a terminal: never in files, pipes or NO_COLOR output.

const BARS = '▁▂▃▄▅▆▇█';

/** A value's mark on a scale up to max: blank for nothing, the lowest bar for any real amount. */
export function sparkMark(value: number, max: number): string {
  if (max <= 0 || value <= 0) return ' ';
  return BARS[Math.min(BARS.length - 1, Math.floor((value / max) * BARS.length))] ?? ' ';
}

export function sparkline(values: readonly number[], max = Math.max(0, ...values)): string {
  return values.map((value) => sparkMark(value, max)).join('');
}
