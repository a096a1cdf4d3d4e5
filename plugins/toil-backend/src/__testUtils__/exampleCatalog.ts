import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

const examples = resolve(__dirname, '../../../../examples');

/** Path of the demo register CSV. */
export const demoRegisterFile = resolve(
  examples,
  'toil/brightpath-toil-register.csv',
);

/**
 * The demo organization with the relations the catalog would compute
 * (ownedBy, childOf/parentOf, hasMember), for tests without a catalog.
 */
export function loadExampleCatalog(): Entity[] {
  const entities = ['org.yaml', 'entities.yaml'].flatMap(file =>
    parseAllDocuments(readFileSync(resolve(examples, file), 'utf8'))
      .map(d => d.toJSON() as Entity)
      .filter(e => e && e.kind),
  );
  const ref = (target: string, defaultKind: string) =>
    stringifyEntityRef(
      parseEntityRef(target, { defaultKind, defaultNamespace: 'default' }),
    );
  const relations = new Map<string, Entity['relations']>();
  const add = (from: string, type: string, targetRef: string) =>
    relations.set(from, [...(relations.get(from) ?? []), { type, targetRef }]);
  for (const e of entities) {
    const self = stringifyEntityRef(e);
    const spec = (e.spec ?? {}) as Record<string, unknown>;
    if (typeof spec.owner === 'string')
      add(self, 'ownedBy', ref(spec.owner, 'group'));
    if (e.kind === 'Group') {
      if (typeof spec.parent === 'string')
        add(self, 'childOf', ref(spec.parent, 'group'));
      for (const child of (spec.children as string[]) ?? []) {
        add(self, 'parentOf', ref(child, 'group'));
      }
    }
    if (e.kind === 'User') {
      for (const group of (spec.memberOf as string[]) ?? []) {
        add(ref(group, 'group'), 'hasMember', self);
      }
    }
  }
  return entities.map(e => ({
    ...e,
    relations: relations.get(stringifyEntityRef(e)) ?? [],
  }));
}
