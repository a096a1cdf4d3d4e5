import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { permissionRules } from '@backstage/plugin-catalog-backend/alpha';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  ConditionalPolicyDecision,
  createPermission,
} from '@backstage/plugin-permission-common';
import {
  toilTaskReadPermission,
  toilTaskUpdatePermission,
} from '@cloud-native-portal/plugin-toil-common';
import { PortalPermissionPolicy } from './PortalPermissionPolicy';

const groups: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'courses-team', namespace: 'default' },
    spec: { type: 'team', children: [] },
    relations: [
      { type: 'childOf', targetRef: 'group:default/learning-experience' },
    ],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'learning-experience', namespace: 'default' },
    spec: { type: 'product-area', children: ['courses-team'] },
    relations: [{ type: 'childOf', targetRef: 'group:default/engineering' }],
  },
];

const owned = (owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'x' },
  relations: [{ type: 'ownedBy', targetRef: owner }],
});

function policy() {
  return new PortalPermissionPolicy({
    admins: ['user:development/guest'],
    catalog: catalogServiceMock({ entities: groups }),
    auth: mockServices.auth(),
    logger: mockServices.logger.mock(),
  });
}

const user = (ref: string, groupRefs: string[]) => ({
  identity: {
    type: 'user' as const,
    userEntityRef: ref,
    ownershipEntityRefs: [ref, ...groupRefs],
  },
  token: 'token',
  credentials: {} as any,
  info: { userEntityRef: ref, ownershipEntityRefs: [ref, ...groupRefs] },
});

async function ownerCheck(decision: any, entity: Entity): Promise<boolean> {
  const condition = (decision as ConditionalPolicyDecision).conditions as any;
  expect(condition.rule).toBe('IS_ENTITY_OWNER');
  return permissionRules.isEntityOwner.apply(entity, condition.params);
}

describe('PortalPermissionPolicy', () => {
  it('allows reads and permissions of other plugins', async () => {
    const p = policy();
    expect(await p.handle({ permission: toilTaskReadPermission })).toEqual({
      result: AuthorizeResult.ALLOW,
    });
    const other = createPermission({
      name: 'catalog.entity.read',
      attributes: { action: 'read' },
    });
    expect((await p.handle({ permission: other })).result).toBe(
      AuthorizeResult.ALLOW,
    );
  });

  it('lets admins from config change any register', async () => {
    const decision = await policy().handle(
      { permission: toilTaskUpdatePermission },
      user('user:development/guest', []) as any,
    );
    expect(decision.result).toBe(AuthorizeResult.ALLOW);
  });

  it('makes writes conditional on ownership, including through the group hierarchy', async () => {
    const decision = await policy().handle(
      { permission: toilTaskUpdatePermission },
      user('user:default/liam.chen', ['group:default/courses-team']) as any,
    );
    expect(decision).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
    });
    expect(
      await ownerCheck(decision, owned('group:default/courses-team')),
    ).toBe(true);
    // courses-team sits under learning-experience, so its members count there too.
    expect(
      await ownerCheck(decision, owned('group:default/learning-experience')),
    ).toBe(true);
    expect(await ownerCheck(decision, owned('group:default/engineering'))).toBe(
      true,
    );
    // A member of another team is denied.
    expect(
      await ownerCheck(decision, owned('group:default/payments-team')),
    ).toBe(false);
  });

  it('denies writes without a user', async () => {
    expect(
      (await policy().handle({ permission: toilTaskUpdatePermission })).result,
    ).toBe(AuthorizeResult.DENY);
  });
});
