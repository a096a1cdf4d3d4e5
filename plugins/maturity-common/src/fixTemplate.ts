import { FixTemplate } from './model';

/** The parts of a catalog entity a fix template's values may name. */
export interface FixTemplateEntity {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: object;
}

const PLACEHOLDER = /^\$\{\{\s*entity\.([\w.-]+)\s*\}\}$/;

function valueAt(entity: FixTemplateEntity, path: string): unknown {
  if (path === 'ref') {
    return `${entity.kind.toLocaleLowerCase('en-US')}:${
      entity.metadata.namespace ?? 'default'
    }/${entity.metadata.name}`;
  }
  return path
    .split('.')
    .reduce<unknown>(
      (value, key) =>
        value && typeof value === 'object'
          ? (value as Record<string, unknown>)[key]
          : undefined,
      entity,
    );
}

/**
 * The form values a fix template opens with for one entity: literal values
 * as they are, `${{ entity.* }}` placeholders filled from the entity
 * (`entity.ref` is its full ref). A placeholder the entity cannot fill is
 * left out, so the form never shows a raw placeholder.
 */
export function fixTemplateFormData(
  fixTemplate: FixTemplate,
  entity: FixTemplateEntity,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, raw] of Object.entries(fixTemplate.values ?? {})) {
    const match = PLACEHOLDER.exec(raw);
    if (!match) {
      values[key] = raw;
      continue;
    }
    const resolved = valueAt(entity, match[1]);
    if (typeof resolved === 'string' || typeof resolved === 'number') {
      values[key] = String(resolved);
    }
  }
  return values;
}

/**
 * The scaffolder path of a fix template with its form filled for one
 * entity: `/create/templates/<namespace>/<name>?formData=...`. Assumes the
 * scaffolder is mounted at /create, as in a default Backstage app.
 */
export function fixTemplatePath(
  fixTemplate: FixTemplate,
  entity: FixTemplateEntity,
): string {
  // template:namespace/name, namespace/name or name.
  const match = /^(?:[^:/]+:)?(?:([^/]+)\/)?([^/]+)$/.exec(fixTemplate.ref);
  if (!match) {
    throw new TypeError(`"${fixTemplate.ref}" is not a template ref`);
  }
  const [, namespace = 'default', name] = match;
  const base = `/create/templates/${encodeURIComponent(
    namespace,
  )}/${encodeURIComponent(name)}`;
  const values = fixTemplateFormData(fixTemplate, entity);
  return Object.keys(values).length
    ? `${base}?formData=${encodeURIComponent(JSON.stringify(values))}`
    : base;
}
