import { Entity } from '@backstage/catalog-model';
import {
  Evidence,
  FactDeclaration,
  FactSet,
  FactValue,
} from '@cloud-native-portal/plugin-maturity-common';
import {
  FactCollector,
  FactCollectorContext,
} from '@cloud-native-portal/plugin-maturity-node';
import {
  controlIdToCamelCase,
  ZERO_TRUST_CONTROLS,
} from '@cloud-native-portal/plugin-zero-trust-common';
import type { Octokit as OctokitClient } from '@octokit/rest';
import { scanRepository } from './scanner';
import { GitHubRepository } from './scanner/github';

/** The annotation naming an entity's GitHub repository. */
export const GITHUB_PROJECT_SLUG_ANNOTATION = 'github.com/project-slug';

/** Options for {@link createZeroTrustFactCollector}. */
export interface ZeroTrustFactCollectorOptions {
  /** GitHub access for branch protection; without a token code-owners stays unknown. */
  github?: {
    token?: string;
    /** API base URL for GitHub Enterprise; defaults to api.github.com. */
    apiBaseUrl?: string;
  };
}

const COLLECTOR_ID = 'zeroTrust';

/** Fact name of a control's status, e.g. `zeroTrust.mtlsStrict`. */
export function zeroTrustFactName(controlId: string): string {
  return `${COLLECTOR_ID}.${controlIdToCamelCase(controlId)}`;
}

/** Every fact the zero-trust collector produces. */
export const ZERO_TRUST_FACTS: FactDeclaration[] = [
  {
    name: `${COLLECTOR_ID}.score`,
    type: 'number',
    description: 'Zero-trust posture score, 0-100, weighted by risk',
  },
  {
    name: `${COLLECTOR_ID}.grade`,
    type: 'string',
    description:
      'Zero-trust posture grade A-F (a Critical failure caps it at C)',
  },
  {
    name: `${COLLECTOR_ID}.criticalFailures`,
    type: 'number',
    description: 'Number of failing Critical zero-trust controls',
  },
  ...ZERO_TRUST_CONTROLS.map(control => ({
    name: zeroTrustFactName(control.id),
    type: 'string' as const,
    description: `${control.title} (${control.risk}): pass, fail, not-applicable or unknown`,
  })),
];

function githubRepositoryOf(
  entity: Entity,
  options: ZeroTrustFactCollectorOptions,
): GitHubRepository | undefined {
  const token = options.github?.token;
  const slug = entity.metadata.annotations?.[GITHUB_PROJECT_SLUG_ANNOTATION];
  const [owner, repo, ...rest] = (slug ?? '').split('/');
  if (!token || !owner || !repo || rest.length) return undefined;
  // Octokit loads only when a token is configured: the command-line scan,
  // which shares this package, starts faster without it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Octokit } = require('@octokit/rest') as {
    Octokit: typeof OctokitClient;
  };
  return {
    owner,
    repo,
    octokit: new Octokit({
      auth: token,
      ...(options.github?.apiBaseUrl
        ? { baseUrl: options.github.apiBaseUrl }
        : {}),
    }),
  };
}

/**
 * A fact collector that scans the entity's source tree for the zero-trust
 * controls and reports the score, grade and one status fact per control.
 */
export function createZeroTrustFactCollector(
  options: ZeroTrustFactCollectorOptions = {},
): FactCollector {
  return {
    id: COLLECTOR_ID,
    version: 1,
    facts: ZERO_TRUST_FACTS,
    // Without a GitHub token, the posture is read from the tree alone.
    sourceTreeOnly: !options.github?.token,
    readsRefAndAnnotationsOnly: true,
    async collect(context: FactCollectorContext): Promise<FactSet> {
      const collectedAt = new Date().toISOString();
      if (!context.sourceTree) {
        return {
          collector: COLLECTOR_ID,
          version: 1,
          collectedAt,
          status: 'unknown',
          reason:
            context.sourceTreeError ?? 'the entity has no readable source tree',
          facts: {},
        };
      }
      const report = await scanRepository(context.sourceTree, {
        github: githubRepositoryOf(context.entity, options),
      });
      const facts: Record<string, FactValue> = {
        [`${COLLECTOR_ID}.score`]: report.score,
        [`${COLLECTOR_ID}.grade`]: report.grade,
        [`${COLLECTOR_ID}.criticalFailures`]: report.criticalFailures,
      };
      const summary: Evidence[] = [
        {
          note: `${
            report.results.filter(
              r => r.status === 'pass' || r.status === 'fail',
            ).length
          } controls scored, ${
            report.excluded
          } excluded (unknown or not applicable)`,
        },
      ];
      const evidence: Record<string, Evidence[]> = {
        [`${COLLECTOR_ID}.score`]: summary,
        [`${COLLECTOR_ID}.grade`]: summary,
        [`${COLLECTOR_ID}.criticalFailures`]: report.results
          .filter(
            r =>
              r.status === 'fail' &&
              ZERO_TRUST_CONTROLS.find(c => c.id === r.controlId)?.risk ===
                'Critical',
          )
          .map(r => ({ note: `${r.controlId}: ${r.reason ?? 'fails'}` })),
      };
      const unknown: Record<string, string> = {};
      for (const r of report.results) {
        const name = zeroTrustFactName(r.controlId);
        facts[name] = r.status;
        evidence[name] = r.reason
          ? [...r.evidence, { note: r.reason }]
          : r.evidence;
        if (r.status === 'unknown')
          unknown[name] = r.reason ?? 'evidence unreachable';
      }
      return {
        collector: COLLECTOR_ID,
        version: 1,
        collectedAt,
        status: 'ok',
        facts,
        evidence,
        ...(Object.keys(unknown).length ? { unknown } : {}),
      };
    },
  };
}
