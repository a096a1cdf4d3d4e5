import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
  resolveSafeChildPath,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_SOURCE_LOCATION,
  Entity,
  parseEntityRef,
  parseLocationRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { JsonObject } from '@backstage/types';
import { promises as fs } from 'fs';
import { dirname, join } from 'path';
import { fileURLToPath } from 'url';
import { TEMPLATE_VERSION_ANNOTATION } from '@cloud-native-portal/plugin-maturity-node';
import { listFiles } from './files';

/** The annotation golden-path templates carry their version in. */
export { TEMPLATE_VERSION_ANNOTATION };

/** A rendered template's files, relative paths with `/` separators. */
export interface RenderedFiles {
  templateRef: string;
  templateVersion: string | undefined;
  files: Array<{ path: string; content: Buffer; executable?: boolean }>;
}

export interface RenderTemplateDeps {
  catalog: CatalogService;
  discovery: DiscoveryService;
  auth: AuthService;
  urlReader: UrlReaderService;
}

/** The directory a Template entity was read from, as a file path or URL. */
function templateDirectory(entity: Entity): { dir: string; isFile: boolean } {
  const annotations = entity.metadata.annotations ?? {};
  // The location names template.yaml itself; a source location its folder.
  const location =
    annotations[ANNOTATION_LOCATION] ?? annotations[ANNOTATION_SOURCE_LOCATION];
  if (!location) {
    throw new InputError(
      `Template ${stringifyEntityRef(entity)} has no location annotation`,
    );
  }
  const { type, target } = parseLocationRef(location);
  if (type === 'file' || type === 'dir') {
    const path = target.startsWith('file:') ? fileURLToPath(target) : target;
    return {
      dir: /\.ya?ml$/.test(path) ? dirname(path) : path,
      isFile: true,
    };
  }
  if (type === 'url') {
    return { dir: new URL('.', target).toString(), isFile: false };
  }
  throw new InputError(
    `Template ${stringifyEntityRef(
      entity,
    )} has an unsupported location ${location}`,
  );
}

async function readTemplateFiles(
  entity: Entity,
  urlReader: UrlReaderService,
): Promise<Array<{ path: string; data: Buffer }>> {
  const { dir, isFile } = templateDirectory(entity);
  if (isFile) {
    const paths = await listFiles(dir).catch(() => {
      throw new NotFoundError(
        `The files of template ${stringifyEntityRef(entity)} are not at ${dir}`,
      );
    });
    return Promise.all(
      paths.map(async path => ({
        path,
        data: await fs.readFile(join(dir, path)),
      })),
    );
  }
  const tree = await urlReader.readTree(dir);
  const files = await tree.files();
  return Promise.all(
    files.map(async f => ({ path: f.path, data: await f.content() })),
  );
}

/**
 * Renders a catalog Template with the given answers through the scaffolder's
 * own dry-run API, on behalf of the initiating user, and returns the files of
 * its workspace. The template's steps run in dry-run mode, so nothing is
 * published, while its renderers and validators run as they do for real.
 */
export async function renderCatalogTemplate(
  deps: RenderTemplateDeps,
  options: {
    templateRef: string;
    values: JsonObject;
    /**
     * Secret answers, passed as the task's secrets: the scaffolder redacts
     * them from the dry run's log, and the template reads them as
     * `${{ secrets.<name> }}`.
     */
    secrets?: Record<string, string>;
    credentials: BackstageCredentials;
  },
): Promise<RenderedFiles> {
  let ref: string;
  try {
    ref = stringifyEntityRef(
      parseEntityRef(options.templateRef, { defaultKind: 'template' }),
    );
  } catch {
    throw new InputError(
      `templateRef "${options.templateRef}" is not an entity ref`,
    );
  }
  const entity = await deps.catalog.getEntityByRef(ref, {
    credentials: options.credentials,
  });
  if (!entity || entity.kind.toLowerCase() !== 'template') {
    throw new NotFoundError(`No Template ${ref} in the catalog`);
  }
  const files = await readTemplateFiles(entity, deps.urlReader);
  const { token } = await deps.auth.getPluginRequestToken({
    onBehalfOf: options.credentials,
    targetPluginId: 'scaffolder',
  });
  const baseUrl = await deps.discovery.getBaseUrl('scaffolder');
  const { relations: _relations, status: _status, ...template } = entity as any;
  const response = await fetch(`${baseUrl}/v2/dry-run`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({
      template,
      values: options.values,
      ...(options.secrets ? { secrets: options.secrets } : {}),
      directoryContents: files.map(f => ({
        path: f.path,
        base64Content: f.data.toString('base64'),
      })),
    }),
  });
  const body = (await response.json().catch(() => ({}))) as any;
  if (!response.ok) {
    const why =
      body?.error?.message ??
      (Array.isArray(body?.errors)
        ? body.errors.map((e: any) => e.stack ?? e.message).join('; ')
        : response.statusText);
    if (response.status === 401 || response.status === 403) {
      throw new NotAllowedError(`Not allowed to render ${ref}: ${why}`);
    }
    // The rendered template's own answers or steps failed.
    throw new InputError(`Rendering ${ref} failed: ${why}`);
  }
  if (!Array.isArray(body?.directoryContents)) {
    throw new Error(
      `Rendering ${ref} returned no files (HTTP ${response.status})`,
    );
  }
  return {
    templateRef: ref,
    templateVersion:
      entity.metadata.annotations?.[TEMPLATE_VERSION_ANNOTATION] ?? undefined,
    files: (
      body.directoryContents as Array<{
        path: string;
        base64Content: string;
        executable?: boolean;
      }>
    ).map(f => ({
      path: f.path,
      executable: f.executable,
      content: Buffer.from(f.base64Content, 'base64'),
    })),
  };
}

/** Writes rendered files under a directory, refusing paths that escape it. */
export async function writeRenderedFiles(
  root: string,
  files: RenderedFiles['files'],
): Promise<string[]> {
  const written: string[] = [];
  for (const file of files) {
    const target = resolveSafeChildPath(root, file.path);
    await fs.mkdir(dirname(target), { recursive: true });
    await fs.writeFile(target, file.content, {
      mode: file.executable ? 0o755 : 0o644,
    });
    written.push(file.path);
  }
  return written.sort();
}
