import { isChildPath } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  LocationSpec,
} from '@backstage/plugin-catalog-node';
import { promises as fs } from 'fs';
import { dirname, isAbsolute, resolve } from 'path';
import { parse as parseYaml } from 'yaml';
import { localRepositoryOf, quote } from './localConfinement';

const MAX_BYTES = 1024 * 1024;
const KEYS = new Set(['$text', '$json', '$yaml']);

/**
 * Resolves `$text`, `$json` and `$yaml` placeholders with relative paths in
 * the catalog files of local repositories (the ones `publish:local`
 * creates). The catalog's own placeholder resolvers read URLs only, so
 * `definition: { $text: ./openapi.yaml }` in a `file` location fails there.
 * This processor runs before them, only for entities of a local repository,
 * and only reads files inside the same repository: an absolute path, a URL
 * (`file://` or any other), a `../` escape or a symbolic link out of the
 * repository is an error naming the placeholder and its value.
 */
export class LocalRepositoryPlaceholderProcessor implements CatalogProcessor {
  private readonly directory: string;

  constructor(directory: string) {
    this.directory = resolve(directory);
  }

  getProcessorName(): string {
    return 'LocalRepositoryPlaceholderProcessor';
  }

  /** Before the catalog's PlaceholderProcessor (default priority 20). */
  getPriority(): number {
    return 10;
  }

  async preProcessEntity(
    entity: Entity,
    location: LocationSpec,
    _emit?: CatalogProcessorEmit,
    originLocation?: LocationSpec,
  ): Promise<Entity> {
    const own = localRepositoryOf(this.directory, location);
    const repository = own ?? localRepositoryOf(this.directory, originLocation);
    if (!repository) return entity;
    if (own !== repository) {
      // Read outside its repository: LocalRepositoryConfinementProcessor
      // refuses the entity; never resolve its placeholders.
      throw new InputError(
        `${location.type}:${location.target} is outside its local repository`,
      );
    }
    const base = dirname(resolve(location.target.replace(/^file:\/\//, '')));
    const realRepository = await fs.realpath(repository);

    const read = async (key: string, value: unknown) => {
      const where = `Placeholder ${key} in ${location.target}`;
      if (typeof value !== 'string') {
        throw new InputError(`${where}: the value must be a relative path`);
      }
      if (/^[a-z][a-z0-9+.-]*:/i.test(value) || isAbsolute(value)) {
        throw new InputError(
          `${where}: ${quote(
            value,
          )} is not a relative path; a local repository reads only its own files`,
        );
      }
      const file = resolve(base, value);
      const real = await fs.realpath(file).catch(() => {
        throw new InputError(`${where}: no file ${quote(value)}`);
      });
      if (!isChildPath(realRepository, real)) {
        throw new InputError(
          `${where}: ${quote(value)} is outside the repository`,
        );
      }
      const stat = await fs.stat(real);
      if (!stat.isFile() || stat.size > MAX_BYTES) {
        throw new InputError(
          `${where}: ${quote(value)} is not a file of at most 1 MB`,
        );
      }
      const text = await fs.readFile(real, 'utf8');
      try {
        if (key === '$json') return JSON.parse(text);
        if (key === '$yaml') return parseYaml(text);
      } catch (e) {
        throw new InputError(`${where}: ${quote(value)} does not parse: ${e}`);
      }
      return text;
    };

    const walk = async (data: unknown): Promise<unknown> => {
      if (Array.isArray(data)) return Promise.all(data.map(walk));
      if (!data || typeof data !== 'object') return data;
      const keys = Object.keys(data);
      if (keys.length === 1 && KEYS.has(keys[0])) {
        return read(keys[0], (data as any)[keys[0]]);
      }
      const out: Record<string, unknown> = {};
      for (const key of keys) out[key] = await walk((data as any)[key]);
      return out;
    };
    return (await walk(entity)) as Entity;
  }
}
