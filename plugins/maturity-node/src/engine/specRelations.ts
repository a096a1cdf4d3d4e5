import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';

/**
 * Adds the relations the catalog would derive from a Component's spec
 * (providesApis, consumesApis, dependsOn), for scans of a checkout that is
 * not in the catalog yet. Malformed refs are left out, as the catalog would
 * reject them.
 */
export function withSpecRelations(entity: Entity): Entity {
  const namespace = entity.metadata.namespace ?? 'default';
  const refs = (value: unknown, kind: string) =>
    (Array.isArray(value) ? value : []).flatMap(v => {
      if (typeof v !== 'string') return [];
      try {
        return [
          stringifyEntityRef(
            parseEntityRef(v, {
              defaultKind: kind,
              defaultNamespace: namespace,
            }),
          ),
        ];
      } catch {
        return [];
      }
    });
  const spec = entity.spec ?? {};
  return {
    ...entity,
    relations: [
      ...refs(spec.providesApis, 'api').map(targetRef => ({
        type: 'providesApi',
        targetRef,
      })),
      ...refs(spec.consumesApis, 'api').map(targetRef => ({
        type: 'consumesApi',
        targetRef,
      })),
      ...refs(spec.dependsOn, 'component').map(targetRef => ({
        type: 'dependsOn',
        targetRef,
      })),
    ],
  };
}
