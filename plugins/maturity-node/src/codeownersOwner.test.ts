import { Entity } from '@backstage/catalog-model';
import {
  codeownerIn,
  codeownersGroupNames,
  codeownersTokensFor,
  codeownersTokenToWrite,
} from './codeownersOwner';
import { createRepositoryTree } from './createRepositoryTree';
import { CatalogSnapshot } from './engine/CatalogSnapshot';
import { createOwnershipFactCollector } from './engine/catalogCollectors';

function group(
  name: string,
  options: {
    annotations?: Record<string, string>;
    email?: string;
    members?: string[];
  } = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default', annotations: options.annotations },
    spec: {
      type: 'team',
      children: [],
      ...(options.email ? { profile: { email: options.email } } : {}),
    },
    relations: (options.members ?? []).map(m => ({
      type: 'hasMember',
      targetRef: `user:default/${m}`,
    })),
  };
}

function user(name: string, login?: string, email?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: {
      name,
      namespace: 'default',
      annotations: login ? { 'github.com/user-login': login } : {},
    },
    spec: { memberOf: [], ...(email ? { profile: { email } } : {}) },
  };
}

/** The check's verdict: does `owner-codeowners-match`'s fact hold? */
async function checkAccepts(
  codeowners: string,
  owner: Entity,
  members: Entity[] = [],
): Promise<boolean | null> {
  const entity: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'api', namespace: 'default' },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: `${owner.kind.toLowerCase()}:default/${owner.metadata.name}`,
    },
  };
  const sourceTree = createRepositoryTree({
    source: 'mem',
    files: [{ path: '.github/CODEOWNERS', content: Buffer.from(codeowners) }],
  });
  const facts = await createOwnershipFactCollector(
    new CatalogSnapshot([entity, owner, ...members]),
  ).collect({ entity, sourceTree });
  return facts.facts['ownership.codeownersMatchesOwner'] as boolean | null;
}

describe('codeownersTokensFor', () => {
  it('puts the team slug first, then @org/name, the any-org team, the email and the members', () => {
    const owner = group('payments-team', {
      annotations: { 'github.com/team-slug': 'brightpath/payments' },
      email: 'payments@brightpath.example',
    });
    expect(
      codeownersTokensFor(owner, {
        org: 'brightpath',
        members: [user('ada', 'ada-l', 'ada@brightpath.example'), user('bob')],
      }),
    ).toEqual([
      '@brightpath/payments',
      '@brightpath/payments-team',
      '@*/payments-team',
      'payments@brightpath.example',
      '@ada-l',
      'ada@brightpath.example',
      '@ada',
      '@bob',
    ]);
  });

  it('ignores a team slug that is not org/team (bad input: "payments", "a/b/c", "bright path/x")', () => {
    for (const slug of ['payments', 'a/b/c', 'bright path/x', '']) {
      const tokens = codeownersTokensFor(
        group('payments-team', {
          annotations: { 'github.com/team-slug': slug },
        }),
      );
      expect(tokens).toEqual(['@*/payments-team']);
      expect(codeownersTokenToWrite(tokens)).toBeUndefined();
    }
  });

  it('for a User owner: its login, email and name; no team to write', () => {
    const tokens = codeownersTokensFor(
      user('ada', 'ada-l', 'ada@brightpath.example'),
      { org: 'brightpath' },
    );
    expect(tokens).toEqual(['@ada-l', 'ada@brightpath.example', '@ada']);
    expect(codeownersTokenToWrite(tokens)).toBeUndefined();
  });
});

describe('codeownersTokenToWrite', () => {
  it('is the team slug when set, else @org/group-name, else none', () => {
    expect(
      codeownersTokenToWrite(
        codeownersTokensFor(
          group('courses-team', {
            annotations: { 'github.com/team-slug': 'brightpath/courses' },
          }),
          { org: 'other' },
        ),
      ),
    ).toBe('@brightpath/courses');
    expect(
      codeownersTokenToWrite(
        codeownersTokensFor(group('courses-team'), { org: 'brightpath' }),
      ),
    ).toBe('@brightpath/courses-team');
    const none = codeownersTokensFor(group('courses-team'));
    expect(codeownersTokenToWrite(none)).toBeUndefined();
    expect(codeownersGroupNames(none)).toEqual(['courses-team']);
  });
});

describe('codeownerIn', () => {
  const tokens = codeownersTokensFor(
    group('payments-team', {
      annotations: { 'github.com/team-slug': 'brightpath/payments' },
    }),
  );
  it('matches the team slug and the group name under any org, without case', () => {
    expect(codeownerIn('@brightpath/payments', tokens)).toBe(true);
    expect(codeownerIn('@BrightPath/Payments', tokens)).toBe(true);
    expect(codeownerIn('@someone/payments-team', tokens)).toBe(true);
  });
  it('does not match another team, the pattern itself, or a partial name', () => {
    expect(codeownerIn('@other/payments', tokens)).toBe(false);
    expect(codeownerIn('@*/payments-team', tokens)).toBe(false);
    expect(codeownerIn('@payments-team', tokens)).toBe(false);
    expect(codeownerIn('@brightpath/payments-team-2', tokens)).toBe(false);
  });
});

describe('the check and the fix agree', () => {
  const members = [user('ada', 'ada-l', 'ada@brightpath.example')];
  const owners: Array<[string, Entity]> = [
    [
      'a team slug unlike the group name',
      group('payments-team', {
        annotations: { 'github.com/team-slug': 'brightpath/payments' },
        members: ['ada'],
      }),
    ],
    ['no team slug, the org known', group('courses-team')],
    [
      'a team slug in another org',
      group('data-team', {
        annotations: { 'github.com/team-slug': 'acme/analytics' },
        email: 'data@brightpath.example',
      }),
    ],
  ];

  it.each(owners)(
    '%s: the check passes on the token the fix writes, and on every exact token the fix takes as fixed already',
    async (_name, owner) => {
      const memberEntities = (owner.relations ?? []).length ? members : [];
      const tokens = codeownersTokensFor(owner, {
        org: 'brightpath',
        members: memberEntities,
      });
      const written = codeownersTokenToWrite(tokens);
      expect(written).toBeDefined();
      expect(await checkAccepts(`* ${written}\n`, owner, memberEntities)).toBe(
        true,
      );
      for (const token of tokens.filter(t => !t.startsWith('@*'))) {
        expect(codeownerIn(token, tokens)).toBe(true);
        expect(await checkAccepts(`* ${token}\n`, owner, memberEntities)).toBe(
          true,
        );
      }
      // And neither takes a stranger.
      expect(codeownerIn('@brightpath/strangers', tokens)).toBe(false);
      expect(
        await checkAccepts('* @brightpath/strangers\n', owner, memberEntities),
      ).toBe(false);
    },
  );

  it('the check accepts the team slug token, which it did not before team slugs', async () => {
    const owner = group('payments-team', {
      annotations: { 'github.com/team-slug': 'brightpath/payments' },
    });
    expect(await checkAccepts('* @brightpath/payments\n', owner)).toBe(true);
    // The same token for a group without the annotation is someone else.
    expect(
      await checkAccepts('* @brightpath/payments\n', group('payments-team')),
    ).toBe(false);
  });

  it("the check still accepts the group's name under any org, its email and members' logins", async () => {
    const owner = group('payments-team', {
      email: 'pay@brightpath.example',
      members: ['ada'],
    });
    for (const token of [
      '@acme/payments-team',
      'pay@brightpath.example',
      '@ada-l',
      'ada@brightpath.example',
      '@ada',
    ]) {
      expect(await checkAccepts(`* ${token}\n`, owner, members)).toBe(true);
    }
  });
});
