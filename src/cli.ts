// The ml-cost program: its commands, and the one place where errors become messages and exit codes.
import { Command, CommanderError } from 'commander';
import { doctorCommand } from './commands/doctor.js';
import { driftCommand } from './commands/drift.js';
import { exportCommand } from './commands/export.js';
import { forecastCommand } from './commands/forecast.js';
import { gateCommand } from './commands/gate.js';
import { pricingCommand } from './commands/pricing.js';
import { rankCommand } from './commands/rank.js';
import { reportCommand } from './commands/report.js';
import { ExitCode, MlCostError } from './errors.js';
import { safeText } from './safe-text.js';

const VERSION = '0.1.0';

function program(): Command {
  const program = new Command('ml-cost')
    .version(VERSION)
    .description(
      'What your ML models really cost: GPU-seconds, tokens and inferences from VictoriaMetrics, ' +
        'priced by a versioned catalogue.',
    )
    .exitOverride()
    .configureOutput(OUTPUT);
  program.addCommand(reportCommand());
  program.addCommand(forecastCommand());
  program.addCommand(rankCommand());
  program.addCommand(driftCommand());
  program.addCommand(gateCommand());
  program.addCommand(exportCommand());
  program.addCommand(pricingCommand());
  program.addCommand(doctorCommand());
  // Commands added with addCommand do not inherit these: every level must throw, not exit.
  forEachCommand(program, (command) => {
    command.exitOverride().configureOutput(OUTPUT);
  });
  program.addHelpText(
    'after',
    `
Exit codes: 0 ok, 1 a gate breached or doctor found problems, 2 bad usage, config, catalogue or export file,\n3 the data source (VictoriaMetrics) failed, 4 a bug in ml-cost.\nA closed stdout or stderr pipe (| head) does not change the exit code.
Try it without a server:  ml-cost report --source example --period 2026-09`,
  );
  return program;
}

/**
 * Commander's own errors quote what was typed (`--by $'a\nb'`): one line, control characters
 * escaped, with the pointer to --help on the same line.
 */
const OUTPUT = {
  writeErr: (text: string) => process.stderr.write(text),
  outputError: (text: string, write: (text: string) => void) =>
    write(`ml-cost: ${safeText(text.replace(/\n$/, ''))} (run with --help for usage)\n`),
};

function forEachCommand(command: Command, visit: (command: Command) => void): void {
  visit(command);
  for (const sub of command.commands) forEachCommand(sub, visit);
}

async function main(argv: readonly string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  try {
    await program().parseAsync([...argv]);
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; commander has printed what it had to say.
      if (error.exitCode === 0) return ExitCode.ok;
      return ExitCode.usage;
    }
    if (error instanceof MlCostError) {
      // Messages quote what users typed and data sent: a line break or an escape sequence
      // there must not forge a second message or drive the terminal. A catalogue error lists
      // its problems, each on its own line.
      for (const line of error.lines) process.stderr.write(`ml-cost: ${safeText(line)}\n`);
      if (verbose && error.cause) process.stderr.write(`${describeCause(error.cause)}\n`);
      return error.exitCode;
    }
    process.stderr.write(
      `ml-cost: internal error (a bug in ml-cost, please report it): ${safeText(error instanceof Error ? error.message : String(error))}\n`,
    );
    if (verbose && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return ExitCode.internal;
  }
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
}

// `ml-cost gate | head` closes the pipe early: that is the reader's choice, not a failure of
// the run. What no one reads is dropped, and the exit code still says what the run found, so a
// gate's 0 and 1 keep their meaning. Any other failure to write the result (`> /dev/full`) is
// exit 2, unless a gate breached: that is still the news.
let outputFailed = false;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE' || outputFailed) return;
  outputFailed = true;
  process.stderr.write(
    `ml-cost: cannot write to standard output (${error.code ?? error.message})\n`,
  );
  if (process.exitCode === undefined || process.exitCode === ExitCode.ok) {
    process.exitCode = ExitCode.usage;
  }
});
// Nowhere is left to tell of a broken stderr.
process.stderr.on('error', () => {});

const code = await main(process.argv);
process.exitCode = outputFailed && code === ExitCode.ok ? ExitCode.usage : code;
