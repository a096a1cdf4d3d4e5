import { isChildPath } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogProcessor, LocationSpec } from '@backstage/plugin-catalog-node';
import { promises as fs } from 'fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'path';
import { parse as parseYaml } from 'yaml';

const MAX_BYTES = 1024 * 1024;
const KEYS = new Set(['$text', '$json', '$yaml']);

/**
 * Resolves `$text`, `$json` and `$yaml` placeholders with relative paths in
 * the catalog files of local repositories (the ones `publish:local`
 * creates). The catalog's own placeholder resolvers read URLs only, so
 * `definition: { $text: ./openapi.yaml }` in a `file` location fails there.
 * This processor runs before them, only for locations inside the local
 * publish directory, and only reads files inside the same repository.
 */
export class LocalRepositoryPlaceholderProcessor implements CatalogProcessor {
  constructor(private readonly directory: string) {}

  getProcessorName(): string {
    return 'LocalRepositoryPlaceholderProcessor';
  }

  /** Before the catalog's PlaceholderProcessor (default priority 20). */
  getPriority(): number {
    return 10;
  }

  /** The repository folder a location is in, if it is a local repository. */
  private repositoryOf(location: LocationSpec): string | undefined {
    if (location.type !== 'file') return undefined;
    const target = resolve(location.target.replace(/^file:\/\//, ''));
    const rel = relative(this.directory, target);
    if (!rel || rel.startsWith('..') || isAbsolute(rel)) return undefined;
    const repo = rel.split(sep)[0];
    return repo === rel ? undefined : resolve(this.directory, repo);
  }

  async preProcessEntity(
    entity: Entity,
    location: LocationSpec,
  ): Promise<Entity> {
    const repository = this.repositoryOf(location);
    if (!repository) return entity;
    const base = dirname(resolve(location.target.replace(/^file:\/\//, '')));
    const realRepository = await fs.realpath(repository);

    const read = async (key: string, value: unknown) => {
      if (typeof value !== 'string' || /^[a-z][a-z0-9+.-]*:/i.test(value)) {
        return undefined; // an absolute URL: the catalog's resolvers read it
      }
      const file = resolve(base, value);
      const real = await fs.realpath(file).catch(() => {
        throw new InputError(
          `Placeholder ${key} in ${location.target}: no file ${value}`,
        );
      });
      if (!isChildPath(realRepository, real)) {
        throw new InputError(
          `Placeholder ${key} in ${location.target}: ${value} is outside the repository`,
        );
      }
      const stat = await fs.stat(real);
      if (!stat.isFile() || stat.size > MAX_BYTES) {
        throw new InputError(
          `Placeholder ${key} in ${location.target}: ${value} is not a file of at most 1 MB`,
        );
      }
      const text = await fs.readFile(real, 'utf8');
      try {
        if (key === '$json') return JSON.parse(text);
        if (key === '$yaml') return parseYaml(text);
      } catch (e) {
        throw new InputError(
          `Placeholder ${key} in ${location.target}: ${value} does not parse: ${e}`,
        );
      }
      return text;
    };

    const walk = async (data: unknown): Promise<unknown> => {
      if (Array.isArray(data)) return Promise.all(data.map(walk));
      if (!data || typeof data !== 'object') return data;
      const keys = Object.keys(data);
      if (keys.length === 1 && KEYS.has(keys[0])) {
        const resolved = await read(keys[0], (data as any)[keys[0]]);
        return resolved === undefined ? data : resolved;
      }
      const out: Record<string, unknown> = {};
      for (const key of keys) out[key] = await walk((data as any)[key]);
      return out;
    };
    return (await walk(entity)) as Entity;
  }
}
