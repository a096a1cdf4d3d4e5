import { parseEntityRef } from '@backstage/catalog-model';

/**
 * The scaffolder URL of a fix template, with the entity pre-filled. Assumes
 * the scaffolder is mounted at /create, as in a default Backstage app.
 */
export function fixTemplateUrl(templateRef: string, entityRef: string): string {
  const ref = parseEntityRef(templateRef, { defaultKind: 'template' });
  const formData = encodeURIComponent(JSON.stringify({ entityRef }));
  return `/create/templates/${ref.namespace}/${ref.name}?formData=${formData}`;
}
