import { Entity } from '@backstage/catalog-model';
import {
  CatalogSnapshot,
  createRepositoryTree,
} from '@cloud-native-portal/plugin-maturity-node';
import { computeOwnershipReport } from './computeOwnership';

function group(
  name: string,
  opts: {
    parent?: string;
    members?: string[];
    annotations?: Record<string, string>;
  } = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name,
      namespace: 'default',
      annotations: opts.annotations,
      links: [{ url: `https://chat.example/${name}`, title: 'Slack' }],
    },
    spec: {
      type: 'team',
      profile: { email: `${name}@example.com` },
      ...(opts.parent ? { parent: opts.parent } : {}),
      children: [],
    },
    relations: [
      ...(opts.parent
        ? [{ type: 'childOf', targetRef: `group:default/${opts.parent}` }]
        : []),
      ...(opts.members ?? []).map(m => ({
        type: 'hasMember',
        targetRef: `user:default/${m}`,
      })),
    ],
  };
}

function user(name: string, login?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        ...(login ? { 'github.com/user-login': login } : {}),
        slack: `https://chat.example/@${name}`,
      },
    },
    spec: { profile: { email: `${name}@example.com`, displayName: name } },
  };
}

function component(
  name: string,
  owner: string | number,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'production', owner },
  };
}

const noTree = async () => ({ error: 'no source location' });

function treeWith(codeowners?: string) {
  return async () => ({
    tree: createRepositoryTree({
      source: 'test',
      files: codeowners
        ? [{ path: 'CODEOWNERS', content: Buffer.from(codeowners) }]
        : [{ path: 'README.md', content: Buffer.from('# hi') }],
    }),
  });
}

const kinds = (
  report: Awaited<ReturnType<typeof computeOwnershipReport>>,
  ref: string,
) => report.entities.get(ref)!.problems.map(p => p.kind);

describe('computeOwnershipReport', () => {
  it('rolls ownership up a group hierarchy three levels deep', async () => {
    const snapshot = new CatalogSnapshot([
      group('org'),
      group('division', { parent: 'org', members: ['a'] }),
      group('department', { parent: 'division', members: ['a'] }),
      group('squad', { parent: 'department', members: ['a'] }),
      user('a'),
      component('s1', 'squad'),
      component('s2', 'squad'),
      component('d1', 'department'),
      component('v1', 'division'),
      component('o1', 'group:default/org'),
    ]);
    const report = await computeOwnershipReport(snapshot, { openTree: noTree });
    const team = (name: string) =>
      report.coverage.teams.find(t => t.groupRef === `group:default/${name}`)!;
    expect(team('squad')).toMatchObject({ direct: 2, total: 2, depth: 3 });
    expect(team('department')).toMatchObject({ direct: 1, total: 3, depth: 2 });
    expect(team('division')).toMatchObject({ direct: 1, total: 4, depth: 1 });
    expect(team('org')).toMatchObject({
      direct: 1,
      total: 5,
      depth: 0,
      parentRef: null,
    });
    expect(team('org').descendantGroups).toEqual([
      'group:default/department',
      'group:default/division',
      'group:default/squad',
    ]);
    const squadOwned = report.entities.get('component:default/s1')!;
    expect(squadOwned.owner?.parentChain.map(p => p.name)).toEqual([
      'department',
      'division',
      'org',
    ]);
    expect(squadOwned.facts['ownership.ownerParentChain']).toEqual([
      'group:default/department',
      'group:default/division',
      'group:default/org',
    ]);
    expect(report.coverage.percentage).toBe(100);
  });

  it('terminates on a cyclic group hierarchy', async () => {
    const snapshot = new CatalogSnapshot([
      group('a', { parent: 'c', members: ['u'] }),
      group('b', { parent: 'a', members: ['u'] }),
      group('c', { parent: 'b', members: ['u'] }),
      user('u'),
      component('svc', 'a'),
    ]);
    const report = await computeOwnershipReport(snapshot, { openTree: noTree });
    const a = report.coverage.teams.find(
      t => t.groupRef === 'group:default/a',
    )!;
    // Every group is below every other one, each counted once.
    expect(a.total).toBe(1);
    expect(a.descendantGroups).toEqual(['group:default/b', 'group:default/c']);
    expect(
      report.entities
        .get('component:default/svc')!
        .owner?.parentChain.map(p => p.name),
    ).toEqual(['c', 'b']);
  });

  it.each([
    ['group:default/', 'an empty name'],
    ['group:default/has space', 'a space in the name'],
    ['a:b:c', 'two kind separators'],
  ])('reports the malformed owner ref %s (%s)', async owner => {
    const snapshot = new CatalogSnapshot([component('svc', owner)]);
    const report = await computeOwnershipReport(snapshot, { openTree: noTree });
    const svc = report.entities.get('component:default/svc')!;
    expect(svc.problems[0]).toMatchObject({
      kind: 'owner-malformed',
      fixTemplateRef: 'template:default/fix-catalog-owner',
    });
    expect(svc.ownerRef).toBeNull();
    expect(svc.validGroupOwner).toBe(false);
    expect(report.coverage.problems['owner-malformed']).toHaveLength(1);
    expect(report.coverage.problems['owner-unresolved']).toHaveLength(0);
  });

  it('reports a non-string owner as missing', async () => {
    const snapshot = new CatalogSnapshot([component('svc', 42)]);
    const report = await computeOwnershipReport(snapshot, { openTree: noTree });
    expect(kinds(report, 'component:default/svc')).toContain('owner-missing');
  });

  describe('CODEOWNERS', () => {
    const entities = () => [
      group('root'),
      group('courses', { parent: 'root', members: ['liam'] }),
      user('liam', 'lchen'),
      component('svc', 'courses', { 'opsgenie.com/component-selector': 'x' }),
    ];

    it('accepts a file that names the owning team', async () => {
      const report = await computeOwnershipReport(
        new CatalogSnapshot(entities()),
        { openTree: treeWith('* @brightpath/courses\n') },
      );
      const svc = report.entities.get('component:default/svc')!;
      expect(svc.codeowners).toMatchObject({
        status: 'present',
        matchesOwner: true,
        defaultOwners: ['@brightpath/courses'],
      });
      expect(svc.problems).toEqual([]);
    });

    it('accepts a file that names a member of the owning team', async () => {
      const report = await computeOwnershipReport(
        new CatalogSnapshot(entities()),
        { openTree: treeWith('* @lchen\n') },
      );
      expect(kinds(report, 'component:default/svc')).toEqual([]);
    });

    it('reports a file that names someone else', async () => {
      const report = await computeOwnershipReport(
        new CatalogSnapshot(entities()),
        { openTree: treeWith('* @brightpath/learning @dokafor\n') },
      );
      const svc = report.entities.get('component:default/svc')!;
      expect(svc.problems).toEqual([
        expect.objectContaining({
          kind: 'codeowners-mismatch',
          message:
            'CODEOWNERS names @brightpath/learning, @dokafor, not the catalog owner courses.',
        }),
      ]);
    });

    it('reports a missing file', async () => {
      const report = await computeOwnershipReport(
        new CatalogSnapshot(entities()),
        { openTree: treeWith() },
      );
      expect(kinds(report, 'component:default/svc')).toEqual([
        'codeowners-missing',
      ]);
    });

    it('skips lines with syntax errors and reports them, without throwing', async () => {
      const text = [
        '* @brightpath/courses',
        '/docs/[abc no-owner-bracket @x',
        '/src/ not-an-owner',
        '/lib/',
      ].join('\n');
      const report = await computeOwnershipReport(
        new CatalogSnapshot(entities()),
        { openTree: treeWith(text) },
      );
      const svc = report.entities.get('component:default/svc')!;
      expect(svc.codeowners.errors.map(e => e.line)).toEqual([2, 3, 4]);
      expect(svc.codeowners.matchesOwner).toBe(true);
    });

    it('reports a file made only of syntax errors as a mismatch', async () => {
      const report = await computeOwnershipReport(
        new CatalogSnapshot(entities()),
        { openTree: treeWith('* not-an-owner\n[oops @x\n') },
      );
      const svc = report.entities.get('component:default/svc')!;
      expect(svc.codeowners.errors).toHaveLength(2);
      expect(svc.problems.map(p => p.kind)).toEqual(['codeowners-mismatch']);
      expect(svc.problems[0].message).toContain(
        'no rule for the whole repository',
      );
    });

    it('is unknown, not a problem, when the tree cannot be read', async () => {
      const report = await computeOwnershipReport(
        new CatalogSnapshot(entities()),
        { openTree: noTree },
      );
      const svc = report.entities.get('component:default/svc')!;
      expect(svc.codeowners).toMatchObject({
        status: 'unknown',
        reason: 'no source location',
      });
      expect(svc.problems).toEqual([]);
    });
  });

  it('lists how to reach the owner and its members', async () => {
    const snapshot = new CatalogSnapshot([
      group('root'),
      group('team', {
        parent: 'root',
        members: ['ann'],
        annotations: { 'opsgenie.com/team': 'team-rota' },
      }),
      user('ann'),
      component('svc', 'team', { 'pagerduty.com/service-id': 'P1' }),
    ]);
    const report = await computeOwnershipReport(snapshot, { openTree: noTree });
    const svc = report.entities.get('component:default/svc')!;
    expect(svc.owner).toMatchObject({
      email: 'team@example.com',
      chat: [{ title: 'Slack', url: 'https://chat.example/team' }],
      members: [
        {
          entityRef: 'user:default/ann',
          email: 'ann@example.com',
          chat: [{ title: 'slack', url: 'https://chat.example/@ann' }],
        },
      ],
    });
    expect(svc.oncall).toEqual([
      {
        source: 'entity',
        provider: 'PagerDuty',
        annotation: 'pagerduty.com/service-id',
        value: 'P1',
      },
      {
        source: 'owner',
        provider: 'Opsgenie',
        annotation: 'opsgenie.com/team',
        value: 'team-rota',
      },
    ]);
    expect(svc.facts['ownership.entityOncall']).toBe(true);
  });

  it('flags "No on-call" only on running Components, not on APIs, Resources, Systems, Domains or libraries', async () => {
    const owned = (kind: string, name: string, type?: string): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind,
      metadata: { name, namespace: 'default' },
      spec: { ...(type ? { type } : {}), owner: 'team' },
    });
    const snapshot = new CatalogSnapshot([
      group('org'),
      group('team', { parent: 'org', members: ['u'] }),
      user('u'),
      owned('Component', 'svc', 'service'),
      owned('Component', 'site', 'website'),
      owned('Component', 'lib', 'library'),
      owned('API', 'api', 'openapi'),
      owned('Resource', 'db', 'database'),
      owned('System', 'sys'),
      owned('Domain', 'dom'),
    ]);
    const report = await computeOwnershipReport(snapshot, { openTree: noTree });
    expect(
      report.coverage.problems['no-oncall'].map(p => p.entityRef).sort(),
    ).toEqual(['component:default/site', 'component:default/svc']);

    const configured = await computeOwnershipReport(snapshot, {
      openTree: noTree,
      oncallComponentTypes: ['library'],
    });
    expect(
      configured.coverage.problems['no-oncall'].map(p => p.entityRef),
    ).toEqual(['component:default/lib']);
  });

  it("does not flag the organisation's root group for having no parent, but does flag a detached team", async () => {
    const root: Entity = {
      ...group('org', { members: ['u'] }),
      relations: [
        { type: 'hasMember', targetRef: 'user:default/u' },
        { type: 'parentOf', targetRef: 'group:default/team' },
      ],
    };
    const snapshot = new CatalogSnapshot([
      root,
      group('team', { parent: 'org', members: ['u'] }),
      group('detached', { members: ['u'] }),
      user('u'),
      component('platform', 'org', { 'pagerduty.com/service-id': 'P1' }),
      component('lost', 'detached', { 'pagerduty.com/service-id': 'P2' }),
    ]);
    const report = await computeOwnershipReport(snapshot, { openTree: noTree });
    expect(kinds(report, 'component:default/platform')).toEqual([]);
    expect(kinds(report, 'component:default/lost')).toEqual([
      'group-without-parent',
    ]);
  });

  it('reports an orphan', async () => {
    const snapshot = new CatalogSnapshot([
      group('root', { members: ['u'] }),
      user('u'),
      component('svc', 'root', {
        'backstage.io/orphan': 'true',
        'pagerduty.com/service-id': 'P',
      }),
    ]);
    const report = await computeOwnershipReport(snapshot, { openTree: noTree });
    expect(kinds(report, 'component:default/svc')).toEqual([
      'group-without-parent',
      'orphan',
    ]);
  });
});
