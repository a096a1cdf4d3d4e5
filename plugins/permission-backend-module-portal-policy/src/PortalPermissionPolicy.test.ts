import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { permissionRules } from '@backstage/plugin-catalog-backend/alpha';
import { catalogPermissions } from '@backstage/plugin-catalog-common/alpha';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  Permission,
  PolicyDecision,
  createPermission,
} from '@backstage/plugin-permission-common';
import {
  PolicyQueryUser,
  createConditionAuthorizer,
} from '@backstage/plugin-permission-node';
import { scaffolderPermissions } from '@backstage/plugin-scaffolder-common/alpha';
import { maturityPermissions } from '@cloud-native-portal/plugin-maturity-common';
import { toilPermissions } from '@cloud-native-portal/plugin-toil-common';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  PortalPermissionPolicy,
  PortalPermissionPolicyOptions,
} from './PortalPermissionPolicy';

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
  metadata: { name: 'course-catalog-service', namespace: 'default' },
  relations: [{ type: 'ownedBy', targetRef: owner }],
});

/** The entity every cell acts on: owned one level above the owner's team. */
const entity = owned('group:default/learning-experience');

function policy(options: Partial<PortalPermissionPolicyOptions> = {}) {
  return new PortalPermissionPolicy({
    admins: ['group:default/platform-team', 'user:default/aisha.bello'],
    catalog: catalogServiceMock({ entities: groups }),
    auth: mockServices.auth(),
    logger: mockServices.logger.mock(),
    ...options,
  });
}

const user = (ref: string, groupRefs: string[] = []): PolicyQueryUser =>
  ({
    identity: {
      type: 'user',
      userEntityRef: ref,
      ownershipEntityRefs: [ref, ...groupRefs],
    },
    token: 'token',
    credentials: {} as any,
    info: { userEntityRef: ref, ownershipEntityRefs: [ref, ...groupRefs] },
  } as PolicyQueryUser);

const GUEST = user('user:development/guest');
const ROLES: Record<
  string,
  { user?: PolicyQueryUser; options?: Partial<PortalPermissionPolicyOptions> }
> = {
  anonymous: {},
  guest: { user: GUEST },
  'guest (demo)': { user: GUEST, options: { demoGuestIsAdmin: true } },
  'signed-in user': {
    user: user('user:default/dana.okafor', ['group:default/payments-team']),
  },
  owner: {
    user: user('user:default/liam.chen', ['group:default/courses-team']),
  },
  admin: {
    user: user('user:default/marcus.lee', ['group:default/platform-team']),
  },
};

const known = new Map<string, Permission>(
  [
    ...maturityPermissions,
    ...toilPermissions,
    ...catalogPermissions,
    ...scaffolderPermissions,
    // The ownership backend does not export its permission.
    createPermission({
      name: 'ownership.coverage.read',
      attributes: { action: 'read' },
    }),
  ].map(p => [p.name, p]),
);

/** The role × action table of the README, cell by cell. */
function readmeTable() {
  const readme = readFileSync(resolve(__dirname, '../README.md'), 'utf8');
  const section = readme.split('## Role × action')[1].split('\n## ')[0];
  const rows = section
    .split('\n')
    .filter(l => l.startsWith('|'))
    .map(l =>
      l
        .split('|')
        .slice(1, -1)
        .map(c => c.trim().replace(/`/g, '')),
    );
  const [header, , ...body] = rows;
  const roles = header.slice(2);
  return {
    roles,
    cells: body.flatMap(([action, permission, ...values]) =>
      values.map((expected, i) => ({
        action,
        permission,
        role: roles[i],
        expected,
      })),
    ),
  };
}

const isAllowed = createConditionAuthorizer(Object.values(permissionRules));

/** The outcome of a decision for the entity, as the README writes it. */
function outcome(decision: PolicyDecision): string {
  if (decision.result === AuthorizeResult.CONDITIONAL) {
    expect(decision).toMatchObject({
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
    });
  }
  return isAllowed(decision, entity) ? 'allow' : 'deny';
}

const table = readmeTable();

describe('the README role × action table', () => {
  it('has every role and only known permissions and outcomes', () => {
    expect(table.roles).toEqual(Object.keys(ROLES));
    expect(table.cells.length).toBeGreaterThanOrEqual(21 * 6);
    for (const cell of table.cells) {
      expect(known.has(cell.permission)).toBe(true);
      expect(['allow', 'deny']).toContain(cell.expected);
    }
  });

  describe.each(table.cells)(
    '$action ($permission) by $role',
    ({ permission, role, expected }) => {
      it(`is ${expected}`, async () => {
        const { user: actor, options } = ROLES[role];
        const decision = await policy(options).handle(
          { permission: known.get(permission)! },
          actor,
        );
        expect(outcome(decision)).toBe(expected);
      });
    },
  );
});

describe('PortalPermissionPolicy', () => {
  it('a member of another team gets an ownership condition that denies the entity', async () => {
    const decision = await policy().handle(
      { permission: known.get('maturity.waiver.create')! },
      ROLES['signed-in user'].user,
    );
    expect(decision.result).toBe(AuthorizeResult.CONDITIONAL);
    expect(isAllowed(decision, entity)).toBe(false);
    expect(isAllowed(decision, owned('group:default/payments-team'))).toBe(
      true,
    );
  });

  it('the guest listed in permission.admins stays read-only', async () => {
    const p = policy({ admins: ['user:development/guest'] });
    expect(
      (
        await p.handle(
          { permission: known.get('catalog.entity.delete')! },
          GUEST,
        )
      ).result,
    ).toBe(AuthorizeResult.DENY);
    expect(
      (await p.handle({ permission: known.get('catalog.entity.read')! }, GUEST))
        .result,
    ).toBe(AuthorizeResult.ALLOW);
  });

  it('a guest provider configured with another user is the guest too', async () => {
    const p = policy({
      guestUsers: ['user:development/guest', 'user:default/visitor'],
    });
    const visitor = user('user:default/visitor', [
      'group:default/platform-team',
    ]);
    expect(p.roleOf(visitor)).toBe('guest');
    expect(
      (await p.handle({ permission: known.get('toil.task.update')! }, visitor))
        .result,
    ).toBe(AuthorizeResult.DENY);
  });

  it('without configuration nobody is an admin', async () => {
    const p = policy({ admins: [] });
    expect(p.roleOf(ROLES.admin.user)).toBe('user');
    expect(
      (
        await p.handle(
          { permission: known.get('maturity.campaign.manage')! },
          ROLES.admin.user,
        )
      ).result,
    ).toBe(AuthorizeResult.DENY);
  });

  it('admins match users and groups case-insensitively', () => {
    const p = policy({ admins: ['Group:Default/Platform-Team'] });
    expect(p.roleOf(ROLES.admin.user)).toBe('admin');
    expect(p.roleOf(ROLES.owner.user)).toBe('user');
  });
});
