// Typed errors, each carrying the exit code DESIGN.md §7 documents. Only src/cli.ts catches them.

export const ExitCode = {
  ok: 0,
  breach: 1,
  usage: 2,
  source: 3,
  /** Not in the user's power to fix: a bug. Never 0 or 1, so a gate cannot pass on it. */
  internal: 4,
} as const;

export class MlCostError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }

  /** The message as lines to print; one, unless the error lists several problems. */
  get lines(): readonly string[] {
    return [this.message];
  }
}

/** Bad flags, bad config, unwritable output: the user can fix it. Exit 2. */
export class UsageError extends MlCostError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, ExitCode.usage, options);
  }
}

/** A catalogue file that is missing, unreadable or invalid. Exit 2. */
export class CatalogueError extends MlCostError {
  private readonly problems: readonly string[];

  /** One problem, or several: each is one line naming the file and the field. */
  constructor(problems: string | readonly string[], options?: ErrorOptions) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(list.join('\n'), ExitCode.usage, options);
    this.problems = list;
  }

  override get lines(): readonly string[] {
    return this.problems;
  }
}

/** The data source failed: unreachable, timed out, answered an error or a partial result. Exit 3. */
export class SourceError extends MlCostError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, ExitCode.source, options);
  }
}

/** Doctor found problems in the source. Exit 1; its report is still printed. */
export class ProblemsFound extends MlCostError {
  constructor(message: string) {
    super(message, ExitCode.breach);
  }
}

/** A gate check was breached. Exit 1; the report is still printed. */
export class GateBreach extends MlCostError {
  constructor(message: string) {
    super(message, ExitCode.breach);
  }
}
