import { Entity } from '@backstage/catalog-model';

function group(
  name: string,
  options: { parent?: string; children?: string[]; members?: string[] },
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default', title: name },
    spec: { type: 'team', children: options.children ?? [] },
    relations: [
      ...(options.parent
        ? [{ type: 'childOf', targetRef: `group:default/${options.parent}` }]
        : []),
      ...(options.children ?? []).map(c => ({
        type: 'parentOf',
        targetRef: `group:default/${c}`,
      })),
      ...(options.members ?? []).map(m => ({
        type: 'hasMember',
        targetRef: `user:default/${m}`,
      })),
    ],
  };
}

function component(name: string, owner: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: { owner, type: 'service', lifecycle: 'production' },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

/** A small slice of the demo organization for tests. */
export const testCatalog: Entity[] = [
  group('learning-experience', {
    children: ['courses-team'],
    members: ['dana.okafor'],
  }),
  group('courses-team', {
    parent: 'learning-experience',
    members: ['liam.chen', 'emma.watanabe', 'noah.fischer'],
  }),
  group('payments-team', {
    members: ['chloe.dubois', 'mateo.rossi', 'yuki.sato'],
  }),
  group('data-team', {}),
  component('classroom-monolith', 'group:default/learning-experience'),
  component('course-catalog-service', 'group:default/courses-team'),
  component('payments-gateway', 'group:default/payments-team'),
  component('certificate-service', 'group:default/data-team'),
  component('legacy-reports', 'user:default/dana.okafor'),
  component('search-indexer', 'group:default/search-guild'),
];

/** Which team each test user belongs to (for the fake policy). */
export const teamOf: Record<string, string> = {
  'user:default/liam.chen': 'group:default/courses-team',
  'user:default/chloe.dubois': 'group:default/payments-team',
  'user:default/mateo.rossi': 'group:default/payments-team',
  'user:default/dana.okafor': 'group:default/learning-experience',
};
