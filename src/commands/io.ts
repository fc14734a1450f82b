// The commands' only way out to the terminal and the clock, so the rest stays testable.

import type { Note } from '../core/report.js';
import { UsageError } from '../errors.js';
import { type Rendered, utf8Chunks } from '../render/chunks.js';
import { safeText } from '../safe-text.js';

export interface Io {
  readonly env: NodeJS.ProcessEnv;
  readonly stdoutIsTTY: boolean;
  readonly cwd: string;
  /** Now, or ML_COST_NOW (ISO 8601) so tests and replays can pin the clock. */
  now(): number;
  warn(message: string): void;
  /** --verbose detail on stderr. */
  debug(message: string): void;
  /**
   * The command's result: to --output (atomically) or to stdout, in chunks of about 1 MB as
   * it is rendered.
   */
  deliver(rendered: Rendered, outputPath?: string): Promise<void>;
}

export const io: Io = {
  env: process.env,
  stdoutIsTTY: process.stdout.isTTY === true,
  cwd: process.cwd(),
  now() {
    const pinned = process.env.ML_COST_NOW;
    if (pinned === undefined || pinned === '') return Date.now();
    const ms = Date.parse(pinned);
    if (Number.isNaN(ms)) throw new UsageError(`ML_COST_NOW: "${pinned}" is not an ISO 8601 time`);
    return ms;
  },
  warn(message) {
    // Warnings quote label values from the data.
    process.stderr.write(`ml-cost: warning: ${safeText(message)}\n`);
  },
  debug(message) {
    process.stderr.write(`ml-cost: ${safeText(message)}\n`);
  },
  async deliver(rendered, outputPath) {
    const chunks = utf8Chunks(rendered);
    if (outputPath === undefined || outputPath === '-') {
      await writeToStdout(chunks);
      return;
    }
    // Loaded here, not at start-up: it brings node:crypto, which `--help` has no use for.
    const { writeFileAtomic } = await import('../io/atomic-write.js');
    await writeFileAtomic(outputPath, chunks);
  },
};

/**
 * Writes chunk after chunk, each once the one before is taken, so a slow reader holds back
 * the rendering rather than letting it pile up in memory. Write errors are the stdout error
 * handler's (cli.ts): a reader that left (`| head`) stops the rendering, and is no failure.
 */
async function writeToStdout(chunks: Iterable<Uint8Array>): Promise<void> {
  const stdout = process.stdout;
  for (const chunk of chunks) {
    if (stdout.destroyed) return;
    await new Promise<void>((done) => stdout.write(chunk, () => done()));
  }
}

/** Colour only on a terminal, never with NO_COLOR, --no-color, or into a file. */
export function useColor(options: { color?: boolean; output?: string }): boolean {
  return options.color !== false && !io.env.NO_COLOR && toTerminal(options);
}

/** Whether the result goes to a terminal rather than a file or a pipe. */
export function toTerminal(options: { output?: string }): boolean {
  return io.stdoutIsTTY && (options.output === undefined || options.output === '-');
}

/**
 * Colour and charts only on a terminal, never with NO_COLOR or --no-color: block characters
 * are noise to a screen reader or a log as much as colour codes are.
 */
export function renderOptions(options: { color?: boolean; output?: string }): {
  color: boolean;
  chart: boolean;
} {
  const color = useColor(options);
  return { color, chart: color };
}

/**
 * Delivers a command's result. Its notes go to stderr in every format, so that stdout (or
 * --output) carries only the result: `ml-cost report >costs.txt` holds the table alone. A
 * table or Markdown shows unpriced usage itself; stderr gets that note only beside data.
 */
export async function publish(
  text: Rendered,
  notes: readonly Note[],
  options: { format: string; output?: string },
): Promise<void> {
  const viewShowsUnpriced = options.format === 'table' || options.format === 'markdown';
  for (const note of notes) {
    if (!(note.unpriced && viewShowsUnpriced)) io.warn(note.text);
  }
  await io.deliver(text, options.output);
}
