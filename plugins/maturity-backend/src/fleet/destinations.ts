import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ChangeDestination,
  changeDestinationOf,
  GithubClients,
  resolveSourceLocation,
} from '@cloud-native-portal/plugin-maturity-node';

/** Services looked up in one catalog request. */
const BATCH = 200;

/**
 * Where a fix to each service would go (a local branch, a GitHub pull
 * request, or nowhere, with why), by the rule the templates' source step
 * answers with, so the fix dialog says it before a run.
 */
export class ChangeDestinations {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      /** The roots local source trees may be read from. */
      localRoots: string[];
      localPublishDirectory?: string;
      /**
       * The GitHub integrations: a pull request goes to GitHub only where
       * one has credentials.
       */
      github?: Pick<GithubClients, 'hasIntegration'>;
    },
  ) {}

  /** A GitHub pull request needs an integration with credentials. */
  private reachable(destination: ChangeDestination): ChangeDestination {
    if (destination.type !== 'github') return destination;
    const url = `https://github.com/${destination.owner}/${destination.repo}`;
    return this.options.github?.hasIntegration(url)
      ? destination
      : {
          type: 'none',
          reason:
            'no GitHub integration with credentials for github.com (integrations.github, with a token or a GitHub App), so no pull request can be opened',
        };
  }

  async of(
    entityRefs: string[],
    credentials: BackstageCredentials,
  ): Promise<Map<string, ChangeDestination>> {
    const out = new Map<string, ChangeDestination>();
    for (let i = 0; i < entityRefs.length; i += BATCH) {
      const refs = entityRefs.slice(i, i + BATCH);
      const { items } = await this.options.catalog.getEntitiesByRefs(
        {
          entityRefs: refs,
          fields: [
            'kind',
            'metadata.name',
            'metadata.namespace',
            'metadata.annotations',
          ],
        },
        { credentials },
      );
      await Promise.all(
        items.map(async (entity, j) => {
          if (!entity) {
            out.set(refs[j], {
              type: 'none',
              reason: 'the service is not in the catalog',
            });
            return;
          }
          const location = await resolveSourceLocation(entity, {
            allowedLocalRoots: this.options.localRoots,
          });
          const destination = await changeDestinationOf(entity, location, {
            localPublishDirectory: this.options.localPublishDirectory,
          });
          out.set(refs[j], this.reachable(destination));
        }),
      );
    }
    return out;
  }
}
