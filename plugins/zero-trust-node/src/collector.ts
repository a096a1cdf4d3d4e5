import { Entity } from '@backstage/catalog-model';
import {
  Evidence,
  FactDeclaration,
  FactSet,
  FactValue,
  unknownReasons,
} from '@cloud-native-portal/plugin-maturity-common';
import {
  FactCollector,
  FactCollectorContext,
  GITHUB_PROJECT_SLUG_ANNOTATION,
  GithubClients,
  githubRepositoryOf,
} from '@cloud-native-portal/plugin-maturity-node';
import {
  controlIdToCamelCase,
  ZERO_TRUST_CONTROLS,
} from '@cloud-native-portal/plugin-zero-trust-common';
import { scanRepository } from './scanner';
import { GitHubRepository } from './scanner/github';

/** The annotation naming an entity's GitHub repository (`owner/repo`). */
export { GITHUB_PROJECT_SLUG_ANNOTATION };

/** Options for {@link createZeroTrustFactCollector}. */
export interface ZeroTrustFactCollectorOptions {
  /**
   * GitHub clients for branch protection and rulesets: the portal's
   * (`githubClientsServiceRef` of maturity-node), which serve every
   * `integrations.github` host with a token or a GitHub App. Without them,
   * or for a repository on a host without credentials, the review half of
   * code-owners is unknown, with the key to set.
   */
  github?: GithubClients;
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

/**
 * A fact collector that scans the entity's source tree for the zero-trust
 * controls and reports the score, grade and one status fact per control.
 */
export function createZeroTrustFactCollector(
  options: ZeroTrustFactCollectorOptions = {},
): FactCollector {
  const github = options.github;
  const hasCredentials = !!github?.hosts().length;
  // The repository's client, or why branch protection cannot be read. The
  // clients are shared by every entity, so their retries and rate-limit
  // waits see all of the collector's requests.
  const githubOf = async (
    entity: Entity,
  ): Promise<{ github?: GitHubRepository; githubUnknown?: string }> => {
    if (!github || !hasCredentials) return {};
    const repository = githubRepositoryOf(entity, github);
    if (!repository) {
      return {
        githubUnknown: `no ${GITHUB_PROJECT_SLUG_ANNOTATION} annotation (owner/repo): branch protection not checked`,
      };
    }
    try {
      const octokit = await github.forUrl(repository.url);
      return { github: { ...repository, octokit } };
    } catch (error) {
      // A GitHub App not installed for the owner, or a host without
      // credentials: the message says which, never a credential.
      return {
        githubUnknown: `${(error as Error).message}: branch protection of ${
          repository.owner
        }/${repository.repo} not checked`,
      };
    }
  };
  return {
    id: COLLECTOR_ID,
    version: 1,
    facts: ZERO_TRUST_FACTS,
    // Without GitHub credentials, the posture is read from the tree alone.
    sourceTreeOnly: !hasCredentials,
    readsRefAndAnnotationsOnly: true,
    async collect(context: FactCollectorContext): Promise<FactSet> {
      const collectedAt = new Date().toISOString();
      if (!context.sourceTree) {
        return {
          collector: COLLECTOR_ID,
          version: 1,
          collectedAt,
          status: 'unknown',
          reason: context.sourceTreeError ?? unknownReasons.noSourceTree(),
          facts: {},
        };
      }
      const report = await scanRepository(
        context.sourceTree,
        await githubOf(context.entity),
      );
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
