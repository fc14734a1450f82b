// The ml-cost program: its commands, and the one place where errors become messages and exit codes.
import { Command, CommanderError } from 'commander';
import { exportCommand } from './commands/export.js';
import { forecastCommand } from './commands/forecast.js';
import { gateCommand } from './commands/gate.js';
import { pricingCommand } from './commands/pricing.js';
import { rankCommand } from './commands/rank.js';
import { reportCommand } from './commands/report.js';
import { ExitCode, MlCostError } from './errors.js';
import { safeLines } from './safe-text.js';

const VERSION = '0.1.0';

function program(): Command {
  const program = new Command('ml-cost')
    .version(VERSION)
    .description(
      'What your ML models really cost: GPU-seconds, tokens and inferences from VictoriaMetrics, ' +
        'priced by a versioned catalogue.',
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeErr: (text) => process.stderr.write(text),
    });
  program.addCommand(reportCommand());
  program.addCommand(forecastCommand());
  program.addCommand(rankCommand());
  program.addCommand(gateCommand());
  program.addCommand(exportCommand());
  program.addCommand(pricingCommand());
  // Commands added with addCommand do not inherit these: every level must throw, not exit.
  forEachCommand(program, (command) => {
    command.exitOverride().showHelpAfterError('(run with --help for usage)');
  });
  program.addHelpText(
    'after',
    `
Exit codes: 0 ok, 1 a gate breached, 2 bad usage, config, catalogue or export file,\n3 the data source (VictoriaMetrics) failed, 4 a bug in ml-cost.
Try it without a server:  ml-cost report --source example --period 2026-09`,
  );
  return program;
}

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
      // Messages may quote data; catalogue errors list one problem per line.
      process.stderr.write(`ml-cost: ${safeLines(error.message)}\n`);
      if (verbose && error.cause) process.stderr.write(`${describeCause(error.cause)}\n`);
      return error.exitCode;
    }
    process.stderr.write(
      `ml-cost: internal error (a bug in ml-cost, please report it): ${error instanceof Error ? error.message : String(error)}\n`,
    );
    if (verbose && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return ExitCode.internal;
  }
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
}

// `ml-cost report | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv);
