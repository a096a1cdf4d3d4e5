/**
 * `maturity`: the portal's checks as a command, for a service's own CI.
 *
 * @packageDocumentation
 */
// Only commander and the option parsers load at start: the scanners load
// when a command runs, so `--help` and `--version` answer at once.
import { Command } from 'commander';
import { statSync } from 'node:fs';
import { version } from '../package.json';
import { loadLazily } from './lazy';
import { level } from './options';
import { registerZeroTrustCommand } from './zeroTrustCommand';

/**
 * Why a path given on the command line cannot be used, as a sentence, or
 * undefined when it is what is wanted (`what` names it: "the scan path").
 */
export function pathProblem(
  what: string,
  path: string,
  want: 'file' | 'directory',
): string | undefined {
  let stat;
  try {
    stat = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return `${what} ${path} does not exist`;
    }
    if (code === 'EACCES' || code === 'EPERM') {
      return `${what} ${path} cannot be read: permission denied`;
    }
    return `${what} ${path} cannot be read (${code ?? String(e)})`;
  }
  if (want === 'directory' && !stat.isDirectory()) {
    return `${what} ${path} is not a directory`;
  }
  if (want === 'file' && !stat.isFile()) {
    return `${what} ${path} is not a file`;
  }
  return undefined;
}

const program = new Command('maturity')
  .description(
    "The Cloud-Native Portal's maturity checks over a local checkout.",
  )
  .version(version, '-V, --version', 'print the version')
  .exitOverride(err => {
    process.exit(err.exitCode === 0 ? 0 : 2);
  })
  // Every command takes the checkout as its first argument: name a missing
  // or wrong path in a sentence before anything reads it.
  .hook('preAction', (_program, command) => {
    const path = command.args[0];
    const problem =
      path === undefined
        ? undefined
        : pathProblem('the scan path', path, 'directory');
    if (problem) {
      process.stderr.write(`maturity ${command.name()}: ${problem}\n`);
      process.exit(2);
    }
  });

program
  .command('scan')
  .description(
    'Scan a checkout; exits 1 when its level is below --min-level or there is nothing to judge, 2 on errors.',
  )
  .argument('<path>', 'the checkout to scan')
  .option('--format <format>', 'text or json', 'text')
  .option('--min-level <level>', 'fail below this overall level', level)
  .option(
    '--model <file>',
    'a maturity model YAML file instead of the built-in model',
  )
  .action(
    async (
      path: string,
      opts: { format: string; minLevel?: number; model?: string },
    ) => {
      if (!['text', 'json'].includes(opts.format)) {
        process.stderr.write(`error: --format must be text or json\n`);
        process.exit(2);
      }
      const modelProblem =
        opts.model === undefined
          ? undefined
          : pathProblem('the model file', opts.model, 'file');
      if (modelProblem) {
        process.stderr.write(`maturity: ${modelProblem}\n`);
        process.exit(2);
      }
      try {
        const { formatText, scanCheckoutWithModel } = await loadLazily(
          import('./scan'),
        );
        const { report, model } = await scanCheckoutWithModel(path, {
          modelFile: opts.model,
        });
        if (opts.format === 'json') {
          process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        } else {
          process.stdout.write(`${formatText(report, model)}\n`);
        }
        // A gate that cannot judge must not pass silently.
        if (opts.minLevel !== undefined && report.tree.nothingToJudge) {
          process.stderr.write(
            `maturity: nothing to judge in ${path}: ${report.tree.nothingToJudge}; level ${opts.minLevel} cannot be met\n`,
          );
          process.exit(1);
        }
        if (opts.minLevel !== undefined && report.level < opts.minLevel) {
          process.stderr.write(
            `maturity: level ${report.level} is below the required level ${opts.minLevel}\n`,
          );
          process.exit(1);
        }
      } catch (e) {
        process.stderr.write(`maturity: ${(e as Error).message}\n`);
        process.exit(2);
      }
    },
  );

// `maturity zero-trust <path>`: the posture scan as a CI gate.
registerZeroTrustCommand(program);

program.parseAsync(process.argv);
