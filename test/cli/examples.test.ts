// Every `ml-cost` command the README and the commands' --help show runs on the example data
// and shows data, as a new user trying them would see (the README says how: --source example
// and ML_COST_NOW). An example whose window has no data, or that no longer parses, fails here.
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The ml-cost invocations in the README's fenced blocks (sh, yaml, cron, ini). */
function readmeCommands(text: string): string[] {
  const commands: string[] = [];
  for (const block of text.matchAll(/^```(sh|yaml|cron|ini)\n([\s\S]*?)^```$/gm)) {
    for (const line of (block[2] ?? '').split('\n')) {
      const command = commandIn(line);
      if (command) commands.push(command);
    }
  }
  return commands;
}

/** The `$ ml-cost ...` lines of a --help text. */
function helpCommands(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.trim().startsWith('$ ml-cost '))
    .map((line) => commandIn(line) ?? '');
}

/**
 * What follows `ml-cost` (or `bin/ml-cost.js`, `/usr/local/bin/ml-cost`) where a shell, a job or
 * a unit runs it, without comments or redirections; not where a name or description says it.
 */
function commandIn(line: string): string | null {
  if (/^\s*(?:name:|Description=)/.test(line)) return null;
  const match =
    /(?:^|\s|=)(?:[\w./-]*\/)?ml-cost(?:\.js)? ((?:report|forecast|rank|drift|gate|export|pricing)\b.*)$/.exec(
      line,
    );
  if (!match?.[1]) return null;
  return match[1]
    .replace(/\s+#.*$/, '')
    .replace(/\s*>>?\S+.*$/, '')
    .trim();
}

/** The arguments with the source swapped for the example data and output paths for temp ones. */
function exampleArgs(command: string, outDir: string): string[] {
  const args = command.split(/\s+/);
  for (let i = 0; i < args.length - 1; i++) {
    if (args[i] === '--source') args[i + 1] = 'example';
    if (args[i] === '--output')
      args[i + 1] = join(outDir, 'out', args[i + 1]?.split('/').pop() ?? '');
    if (args[i] === '--output-dir') args[i + 1] = join(outDir, 'out');
  }
  return args;
}

const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
/** "Now" as the README tells readers to pin it, inside the example data. */
const EXAMPLE_ENV = {
  ML_COST_SOURCE: 'example',
  ML_COST_NOW: /export ML_COST_NOW=(\S+?)`/.exec(readme)?.[1] ?? 'missing from the README',
};
/** Presets that read a Kubernetes cluster's exporters, which the example data does not imitate. */
const CLUSTER_PRESET =
  /--(?:metrics-)?preset (?:kubernetes-gpu|dcgm|dcgm-util|kube-state-metrics)\b/;
const COMMANDS = ['report', 'forecast', 'rank', 'drift', 'gate', 'export', 'pricing'];
const help = await Promise.all(
  COMMANDS.map(async (name) => (await runCli([name, '--help'])).stdout),
);
const examples = [...new Set([...readmeCommands(readme), ...help.flatMap(helpCommands)])];

describe('the README and --help examples', () => {
  it('were found', () => {
    // If the extraction breaks, the examples would silently stop being tried.
    expect(examples.length).toBeGreaterThan(25);
    for (const name of COMMANDS) {
      expect(examples.some((example) => example.startsWith(`${name} `))).toBe(true);
    }
  });

  it.each(examples)('ml-cost %s', async (command) => {
    const dir = await tempDir('ml-cost-example-');
    await mkdir(join(dir, 'out'));
    const args = exampleArgs(command, dir);
    const result = await runCli(args, { env: EXAMPLE_ENV, cwd: ROOT });
    // A gate may breach (exit 1): the example data has unpriced usage and real costs.
    const breached = args[0] === 'gate' && result.code === 1;
    if (args.includes('focus')) {
      // FOCUS holds no null cost: the example's RTX-6000-Ada, which has no rate, is refused.
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /FOCUS needs a cost on every row, but [\d.]+ GPU-hours of RTX-6000-Ada/,
      );
      return;
    }
    expect(breached ? 1 : 0, result.stderr).toBe(result.code);
    if (CLUSTER_PRESET.test(command)) {
      // The example data is what instrumented services emit, not a cluster's exporters: the
      // example must parse and run, and say plainly that the cluster's metrics are not there.
      expect(result.stderr).toMatch(/no series of (kube_pod_container_resource_requests|DCGM_)/);
      return;
    }
    // Data, not an empty window or a name that matched nothing.
    expect(result.stderr).not.toMatch(/no series|matched no|has no |no settled hour/);
    const written = await readdir(join(dir, 'out'));
    const shown =
      result.stdout +
      (await Promise.all(written.map((name) => readFile(join(dir, 'out', name), 'utf8')))).join('');
    expect(shown).not.toMatch(/no usage in this window/);
    expect(shown.trim()).not.toBe('');
    // A table, CSV or JSON has more than a line; `pricing validate` says "ok: ..." in one.
    expect(shown.trim().split('\n').length).toBeGreaterThan(args[0] === 'pricing' ? 0 : 1);
  });
});
