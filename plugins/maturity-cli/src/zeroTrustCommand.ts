import type { PostureGrade } from '@cloud-native-portal/plugin-zero-trust-common';
import type { Command } from 'commander';
import { loadLazily } from './lazy';
import { grade, score } from './options';
import type { ZeroTrustThreshold } from './zeroTrust';

/**
 * Adds `maturity zero-trust <path>` to the CLI. The scanner is loaded only
 * when the command runs, so `--help` and `--version` start fast.
 */
export function registerZeroTrustCommand(program: Command): void {
  program
    .command('zero-trust')
    .description(
      'Scan a checkout for the zero-trust controls; exits 1 below --min-grade or --min-score, 2 on errors.',
    )
    .argument('<path>', 'the checkout to scan')
    .option('--format <format>', 'text or json', 'text')
    .option('--min-grade <grade>', 'fail below this grade (A to F)', grade)
    .option('--min-score <score>', 'fail below this score (0 to 100)', score)
    .action(
      async (
        path: string,
        opts: { format: string; minGrade?: PostureGrade; minScore?: number },
      ) => {
        if (!['text', 'json'].includes(opts.format)) {
          process.stderr.write('error: --format must be text or json\n');
          process.exit(2);
        }
        if (opts.minGrade !== undefined && opts.minScore !== undefined) {
          process.stderr.write(
            'error: give either --min-grade or --min-score, not both\n',
          );
          process.exit(2);
        }
        try {
          const { formatZeroTrustText, missedThreshold, scanZeroTrust } =
            await loadLazily(import('./zeroTrust'));
          const scan = await scanZeroTrust(path);
          process.stdout.write(
            opts.format === 'json'
              ? `${JSON.stringify(scan, null, 2)}\n`
              : `${formatZeroTrustText(scan)}\n`,
          );
          const missed = missedThreshold(scan, opts as ZeroTrustThreshold);
          if (missed) {
            process.stderr.write(`maturity zero-trust: ${missed}\n`);
            process.exit(1);
          }
        } catch (e) {
          process.stderr.write(
            `maturity zero-trust: ${(e as Error).message}\n`,
          );
          process.exit(2);
        }
      },
    );
}
