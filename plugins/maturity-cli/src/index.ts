/**
 * `maturity`: the portal's checks as a command, for a service's own CI.
 *
 * @packageDocumentation
 */
import { Command, InvalidArgumentError } from 'commander';
import { formatText, loadModel, scanCheckout } from './scan';
import { createRepoFactCollector } from '@cloud-native-portal/plugin-maturity-node';

function level(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 5) {
    throw new InvalidArgumentError('a level from 1 to 5');
  }
  return n;
}

const program = new Command('maturity')
  .description(
    "The Cloud-Native Portal's maturity checks over a local checkout.",
  )
  .exitOverride(err => {
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

program
  .command('scan')
  .description(
    'Scan a checkout; exits 1 when its level is below --min-level, 2 on errors.',
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
      try {
        const report = await scanCheckout(path, { modelFile: opts.model });
        if (opts.format === 'json') {
          process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        } else {
          const model = loadModel(opts.model, [createRepoFactCollector()]);
          process.stdout.write(`${formatText(report, model)}\n`);
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
// eslint-disable-next-line import/first
import { registerZeroTrustCommand } from './zeroTrust';

registerZeroTrustCommand(program);

program.parseAsync(process.argv);
