import {
  isChildPath,
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
 * is read, so the catalog's API stays closed to arbitrary file locations;
 * LocalRepositoryConfinementProcessor keeps what these files register
 * inside their own repository.
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

  /**
   * The catalog file of a repository folder, when it is a regular file
   * inside that folder and the folder is inside the directory. A folder or
   * file that is a symbolic link out of them is skipped with a warning.
   */
  private async catalogFile(name: string): Promise<string | undefined> {
    const folder = join(this.directory, name);
    const file = join(folder, 'catalog-info.yaml');
    const stat = await fs.stat(file).catch(() => undefined);
    if (!stat) return undefined;
    const [realDirectory, realFolder, realFile] = await Promise.all([
      fs.realpath(this.directory),
      fs.realpath(folder),
      fs.realpath(file),
    ]);
    if (
      !stat.isFile() ||
      realFolder === realDirectory ||
      !isChildPath(realDirectory, realFolder) ||
      !isChildPath(realFolder, realFile)
    ) {
      this.logger.warn(
        `Local repository ${JSON.stringify(
          name,
        )}: catalog-info.yaml is not a file inside the repository (a symbolic link out of it?); not registered`,
      );
      return undefined;
    }
    return file;
  }

  /** Lists the local repositories and replaces the provider's Locations. */
  async refresh(): Promise<void> {
    if (!this.connection) return;
    const names = await fs.readdir(this.directory).catch(() => [] as string[]);
    const targets: string[] = [];
    for (const name of names.sort()) {
      const file = await this.catalogFile(name).catch(() => undefined);
      if (file) targets.push(file);
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
