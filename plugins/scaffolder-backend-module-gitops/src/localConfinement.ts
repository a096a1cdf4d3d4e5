import { isChildPath } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  CatalogProcessorParser,
  LocationSpec,
  processingResult,
} from '@backstage/plugin-catalog-node';
import { promises as fs } from 'fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'path';

/** The largest catalog file of a local repository that is read. */
const MAX_BYTES = 1024 * 1024;

/** Characters the catalog's file reader would expand as a glob pattern. */
const GLOB = /[*?[\]{}]/;

/** A value as it may appear in a one-line message: quoted, escapes visible. */
export const quote = (value: unknown) => JSON.stringify(String(value));

/**
 * The folder `<directory>/<name>` of the local repository that a `file`
 * location is in (by its path as written, normalized), or undefined when
 * the location is of another type or outside every local repository.
 */
export function localRepositoryOf(
  directory: string,
  location: LocationSpec | undefined,
): string | undefined {
  if (!location || location.type !== 'file') return undefined;
  const target = resolve(location.target.replace(/^file:\/\//, ''));
  const rel = relative(directory, target);
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  const name = rel.split(sep)[0];
  return name === rel ? undefined : resolve(directory, name);
}

/**
 * Keeps the catalog inside each local repository (the ones `publish:local`
 * creates under `scaffolder.localPublish.directory`):
 *
 * - an entity whose origin is a local repository must have been read from
 *   a file of that same repository;
 * - a `Location` in a local repository may only target files of that
 *   repository: `file` targets that are relative (`./…`), without glob
 *   patterns, and stay inside it. An absolute path, a `../` escape, a `url`
 *   target (also `file://`) or another repository is a processing error
 *   of that Location, and its target is never read;
 * - files inside the directory are read by this processor instead of the
 *   catalog's file reader: only after their real path (symbolic links
 *   resolved) is found inside their repository, only regular files of at
 *   most 1 MB, and never as a glob.
 *
 * Errors quote the offending value, never the content of a file.
 */
export class LocalRepositoryConfinementProcessor implements CatalogProcessor {
  private readonly directory: string;

  constructor(directory: string) {
    this.directory = resolve(directory);
  }

  getProcessorName(): string {
    return 'LocalRepositoryConfinementProcessor';
  }

  /** Before the placeholder processors and the catalog's file reader. */
  getPriority(): number {
    return 5;
  }

  private name(repository: string): string {
    return relative(this.directory, repository);
  }

  async preProcessEntity(
    entity: Entity,
    location: LocationSpec,
    _emit: CatalogProcessorEmit,
    originLocation: LocationSpec,
  ): Promise<Entity> {
    const own = localRepositoryOf(this.directory, location);
    // A glob origin (an operator's own catalog.locations entry over the
    // directory) names no single repository.
    const origin = GLOB.test(originLocation?.target ?? '')
      ? undefined
      : localRepositoryOf(this.directory, originLocation);
    const repository = origin ?? own;
    if (!repository) return entity;
    const what = `${entity.kind} ${quote(entity.metadata?.name)}`;
    if (own !== repository) {
      throw new InputError(
        `${what} of local repository ${this.name(
          repository,
        )} was read from ${quote(
          `${location.type}:${location.target}`,
        )}, outside that repository; it is not registered`,
      );
    }
    if (entity.kind === 'Location') {
      this.checkTargets(entity, location, repository, what);
    }
    return entity;
  }

  /** Refuses every target of a Location that leaves its repository. */
  private checkTargets(
    entity: Entity,
    location: LocationSpec,
    repository: string,
    what: string,
  ) {
    const spec = (entity.spec ?? {}) as {
      type?: unknown;
      target?: unknown;
      targets?: unknown;
    };
    const type = spec.type ?? location.type;
    const targets = [
      ...(spec.target !== undefined ? [spec.target] : []),
      ...(Array.isArray(spec.targets) ? spec.targets : []),
    ];
    const name = this.name(repository);
    for (const target of targets) {
      const refuse = (why: string) =>
        new InputError(
          `${what} in local repository ${name}: target ${quote(
            target,
          )} ${why}; a local repository registers only its own files`,
        );
      if (type !== 'file') {
        throw refuse(`is of type ${quote(type)}, not a file of the repository`);
      }
      if (typeof target !== 'string' || target.trim() === '') {
        throw refuse('is not a path');
      }
      if (GLOB.test(target)) {
        throw refuse('is a pattern; name each file');
      }
      // As the catalog resolves it: relative to the file when it starts
      // with ".", else as it is.
      const path = target.startsWith('.')
        ? join(dirname(resolve(location.target)), target)
        : target;
      if (!isAbsolute(path) && !target.startsWith('.')) {
        throw refuse('must start with ./');
      }
      if (
        localRepositoryOf(this.directory, { type, target: path }) !== repository
      ) {
        throw refuse('is outside the repository');
      }
    }
  }

  async readLocation(
    location: LocationSpec,
    optional: boolean,
    emit: CatalogProcessorEmit,
    parser: CatalogProcessorParser,
  ): Promise<boolean> {
    const repository = localRepositoryOf(this.directory, location);
    if (!repository) return false;
    const target = resolve(location.target.replace(/^file:\/\//, ''));
    const name = this.name(repository);
    const refuse = (why: string) =>
      emit(
        processingResult.inputError(
          location,
          `${quote(
            location.target,
          )} of local repository ${name} ${why}; not read`,
        ),
      );

    const realDirectory = await fs
      .realpath(this.directory)
      .catch(() => undefined);
    const realRepository = await fs.realpath(repository).catch(() => undefined);
    const real = await fs.realpath(target).catch(() => undefined);
    if (!realDirectory || !realRepository || !real) {
      if (!optional) {
        emit(
          processingResult.notFoundError(
            location,
            `file ${quote(location.target)} does not exist`,
          ),
        );
      }
      return true;
    }
    if (
      realRepository === realDirectory ||
      !isChildPath(realDirectory, realRepository)
    ) {
      refuse('is in a repository folder that links out of the directory');
      return true;
    }
    if (!isChildPath(realRepository, real)) {
      refuse('resolves outside the repository (a symbolic link out of it)');
      return true;
    }
    const stat = await fs.stat(real);
    if (!stat.isFile()) {
      refuse('is not a file');
      return true;
    }
    if (stat.size > MAX_BYTES) {
      refuse(`is larger than ${MAX_BYTES} bytes`);
      return true;
    }
    const data = await fs.readFile(real);
    for await (const result of parser({
      data,
      location: { type: 'file', target },
    })) {
      emit(result);
    }
    emit(processingResult.refresh(`file:${target}`));
    return true;
  }
}
