import { Entity } from '@backstage/catalog-model';
import { CatalogSnapshot } from './CatalogSnapshot';
import {
  createCatalogFactCollector,
  createOwnershipFactCollector,
} from './catalogCollectors';

function component(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'lesson-progress', annotations },
    spec: { type: 'service', lifecycle: 'experimental', owner: 'team-a' },
  };
}

async function statelessDeclared(annotations: Record<string, string>) {
  const entity = component(annotations);
  const facts = await createCatalogFactCollector(
    new CatalogSnapshot([entity]),
  ).collect({ entity });
  return {
    declared: facts.facts['catalog.statelessDeclared'],
    stateful: facts.facts['catalog.stateful'],
    evidence: facts.evidence?.['catalog.statelessDeclared'],
  };
}

describe('catalog.statelessDeclared', () => {
  it('is true only for cloud-native-portal/stateful: "false"', async () => {
    expect(
      await statelessDeclared({ 'cloud-native-portal/stateful': 'false' }),
    ).toEqual({
      declared: true,
      stateful: false,
      evidence: [
        { annotation: 'metadata.annotations.cloud-native-portal/stateful' },
      ],
    });
  });

  it('is false when the annotation is absent, "true", or something else (bad input: "no", "False ")', async () => {
    for (const annotations of [
      {} as Record<string, string>,
      { 'cloud-native-portal/stateful': 'true' },
      { 'cloud-native-portal/stateful': 'no' },
      { 'cloud-native-portal/stateful': 'False ' },
    ]) {
      expect((await statelessDeclared(annotations)).declared).toBe(false);
    }
  });
});

describe('ownership.ownerHasParent', () => {
  const group = (
    name: string,
    spec: Record<string, unknown>,
    relations: Entity['relations'] = [],
  ): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type: 'team', children: [], ...spec },
    relations,
  });
  const ownedBy = (owner: string): Entity => ({
    ...component({}),
    spec: { type: 'service', lifecycle: 'production', owner },
  });

  it("is true for the organisation's root group (no parent, groups below it) and false for a detached group", async () => {
    const snapshot = new CatalogSnapshot([
      group('org', { children: ['team'] }, [
        { type: 'parentOf', targetRef: 'group:default/team' },
      ]),
      group('team', { parent: 'org' }, [
        { type: 'childOf', targetRef: 'group:default/org' },
      ]),
      group('detached', {}),
    ]);
    const hasParent = async (owner: string) => {
      const entity = ownedBy(owner);
      const facts = await createOwnershipFactCollector(snapshot).collect({
        entity,
      });
      return facts.facts['ownership.ownerHasParent'];
    };
    expect(await hasParent('org')).toBe(true);
    expect(await hasParent('team')).toBe(true);
    expect(await hasParent('detached')).toBe(false);
  });
});
