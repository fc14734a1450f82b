// Where the ledger keeps its sums: a dense grid of cells (a fixed number per group), stored a
// column (one sum of CELL_LAYOUT) at a time in chunks of whole groups. Pure.
//
// 10,000 groups by hour over a month are 7.2 million cells: the grid must cost a few bytes a
// cell and no object per cell. So there is no map from cell to place (a cell's place follows
// from its group and its period), a column's chunk exists only once a non-zero sum reaches it
// (unread measures and unpriced sums of fully priced usage take no room), and a chunk starts
// in single precision and widens to double the first time a sum is not exact in it (token and
// inference counts stay narrow; GPU-seconds and money widen). Every sum is read back exactly
// as it was added: nothing is ever rounded.

/** A column's chunk: every sum it holds is exact in its precision. */
export type SumChunk = Float32Array | Float64Array;

/** About this many cells per chunk: whole groups, so a series' cells lie in one chunk. */
const CHUNK_CELLS = 1 << 16;

export class CellStore {
  /** Groups per chunk. */
  readonly groupsPerChunk: number;
  private readonly chunkCells: number;
  /** Per column, per chunk: the sums, or undefined while every sum there is 0. */
  private readonly columns: (SumChunk | undefined)[][];
  /** Per chunk: 1 where a cell was given a value (even 0): the cells that make rows. */
  private readonly presence: Uint8Array[] = [];
  private groups = 0;

  constructor(
    readonly cellsPerGroup: number,
    columnCount: number,
  ) {
    this.groupsPerChunk = Math.max(1, Math.floor(CHUNK_CELLS / Math.max(1, cellsPerGroup)));
    this.chunkCells = this.groupsPerChunk * cellsPerGroup;
    this.columns = Array.from({ length: columnCount }, () => []);
  }

  get groupCount(): number {
    return this.groups;
  }

  get chunkCount(): number {
    return this.presence.length;
  }

  /** Room for one more group; returns its index. */
  addGroup(): number {
    const group = this.groups++;
    if (group % this.groupsPerChunk === 0) this.presence.push(new Uint8Array(this.chunkCells));
    return group;
  }

  /** The chunk holding a group, and where the group's cells start in it. */
  chunkOf(group: number): number {
    return Math.floor(group / this.groupsPerChunk);
  }

  baseOf(group: number): number {
    return (group % this.groupsPerChunk) * this.cellsPerGroup;
  }

  presenceOf(chunk: number): Uint8Array {
    return this.presence[chunk] as Uint8Array;
  }

  /** A column's chunk to read; undefined means every sum in it is 0. */
  read(column: number, chunk: number): SumChunk | undefined {
    return (this.columns[column] as (SumChunk | undefined)[])[chunk];
  }

  /** A column's chunk to add into, made (single precision, zeroed) when absent. */
  write(column: number, chunk: number): SumChunk {
    const chunks = this.columns[column] as (SumChunk | undefined)[];
    let sums = chunks[chunk];
    if (!sums) {
      sums = new Float32Array(this.chunkCells);
      chunks[chunk] = sums;
    }
    return sums;
  }

  /** The chunk in double precision (its sums copied exactly): after a sum single could not hold. */
  widen(column: number, chunk: number): Float64Array {
    const chunks = this.columns[column] as (SumChunk | undefined)[];
    const sums = chunks[chunk];
    if (sums instanceof Float64Array) return sums;
    const wide = new Float64Array(this.chunkCells);
    if (sums) wide.set(sums);
    chunks[chunk] = wide;
    return wide;
  }
}

/**
 * Adds value to sums[at], widening the chunk when the sum is not exact in single precision.
 * Returns the chunk to go on with (the same one unless it was widened).
 */
export function addInto(
  store: CellStore,
  column: number,
  chunk: number,
  sums: SumChunk,
  at: number,
  value: number,
): SumChunk {
  const sum = (sums[at] as number) + value;
  sums[at] = sum;
  if (sums[at] === sum) return sums;
  const wide = store.widen(column, chunk);
  wide[at] = sum;
  return wide;
}
