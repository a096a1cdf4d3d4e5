import {
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { locationSpecToLocationEntity } from '@backstage/plugin-catalog-node';
import { promises as fs } from 'fs';
import { join } from 'path';

/**
 * Registers the repositories that `publish:local` creates: one `file`
 * Location per `<directory>/<repo>/catalog-info.yaml`. Only that directory
 * is read, so the catalog's API stays closed to arbitrary file locations.
 */
export class LocalRepositoriesEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;

  constructor(
    private readonly directory: string,
    private readonly runner: SchedulerServiceTaskRunner,
    private readonly logger: LoggerService,
  ) {}

  getProviderName(): string {
    return 'local-repositories';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.runner.run({
      id: `${this.getProviderName()}:refresh`,
      fn: () => this.refresh(),
    });
  }

  /** Lists the local repositories and replaces the provider's Locations. */
  async refresh(): Promise<void> {
    if (!this.connection) return;
    const names = await fs.readdir(this.directory).catch(() => [] as string[]);
    const targets: string[] = [];
    for (const name of names.sort()) {
      const file = join(this.directory, name, 'catalog-info.yaml');
      if (await fs.stat(file).catch(() => undefined)) targets.push(file);
    }
    await this.connection.applyMutation({
      type: 'full',
      entities: targets.map(target => ({
        entity: locationSpecToLocationEntity({
          location: { type: 'file', target },
        }),
        locationKey: this.getProviderName(),
      })),
    });
    this.logger.debug(`registered ${targets.length} local repositories`);
  }
}
