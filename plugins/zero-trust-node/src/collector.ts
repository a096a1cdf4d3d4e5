import { Entity } from '@backstage/catalog-model';
import {
  Evidence,
  FactDeclaration,
  FactSet,
  FactValue,
} from '@cloud-native-portal/plugin-maturity-common';
import {
  createGithubClient,
  FactCollector,
  FactCollectorContext,
  GITHUB_READ_LIMITS,
  GithubLimits,
} from '@cloud-native-portal/plugin-maturity-node';
import {
  controlIdToCamelCase,
  ZERO_TRUST_CONTROLS,
} from '@cloud-native-portal/plugin-zero-trust-common';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Octokit } from '@octokit/rest';
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
    /**
     * How the client waits out rate limits and server errors; the portal's
     * read limits (`GITHUB_READ_LIMITS`) by default.
     */
    limits?: GithubLimits;
  };
  /**
   * Where the GitHub client logs the rate limits it waits out (never the
   * token). Needed with a token.
   */
  logger?: LoggerService;
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

/** The owner and name of the entity's GitHub repository, from its annotation. */
function githubSlugOf(
  entity: Entity,
): { owner: string; repo: string } | undefined {
  const slug = entity.metadata.annotations?.[GITHUB_PROJECT_SLUG_ANNOTATION];
  const [owner, repo, ...rest] = (slug ?? '').split('/');
  return owner && repo && !rest.length ? { owner, repo } : undefined;
}

/**
 * A fact collector that scans the entity's source tree for the zero-trust
 * controls and reports the score, grade and one status fact per control.
 */
export function createZeroTrustFactCollector(
  options: ZeroTrustFactCollectorOptions = {},
): FactCollector {
  const token = options.github?.token;
  const logger = options.logger;
  if (token && !logger) {
    throw new Error(
      'createZeroTrustFactCollector: a GitHub token needs options.logger, where the GitHub client logs the rate limits it waits out',
    );
  }
  // One client for every entity, made on first use, so that its retries and
  // rate-limit waits see all of the collector's requests. Octokit loads only
  // then: the command-line scan, which shares this package, starts faster.
  let client: Octokit | undefined;
  const githubOf = (entity: Entity): GitHubRepository | undefined => {
    const slug = githubSlugOf(entity);
    if (!token || !logger || !slug) return undefined;
    client ??= createGithubClient({
      token,
      baseUrl: options.github?.apiBaseUrl,
      logger,
      limits: options.github?.limits ?? GITHUB_READ_LIMITS,
    });
    return { ...slug, octokit: client };
  };
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
        github: githubOf(context.entity),
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
