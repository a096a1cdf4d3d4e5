import {
  mockCredentials,
  createMockDirectory,
} from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  CatalogSnapshot,
  codeownersTokensFor,
  createOwnershipFactCollector,
  createRepositoryTree,
  readLocalTree,
  RepositoryTree,
} from '@cloud-native-portal/plugin-maturity-node';
import { promises as fs, readdirSync } from 'fs';
import { join, resolve } from 'path';
import {
  demoOrganization,
  withMembership,
} from '../__testUtils__/templateHarness';
import { listFiles } from './files';
import { planCodeowners } from './fixCodeowners';
import { planFix, planSummary } from './fixes';
import { scanMaturity } from './scan';

const PAYMENTS: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: {
    name: 'payments-team',
    namespace: 'default',
    annotations: { 'github.com/team-slug': 'brightpath/payments' },
  },
  spec: { type: 'team', children: [] },
};
/** What gitops:fetch-entity-source gives for PAYMENTS. */
const TOKENS = codeownersTokensFor(PAYMENTS);

function tree(
  files: Record<string, string>,
  options: { maxFileBytes?: number } = {},
): RepositoryTree {
  return createRepositoryTree({
    source: 'test',
    files: Object.entries(files).map(([path, text]) => ({
      path,
      content: Buffer.from(text),
    })),
    limits: options.maxFileBytes
      ? { maxFileBytes: options.maxFileBytes }
      : undefined,
  });
}

/** The check owner-codeowners-match's fact over files, owner PAYMENTS. */
async function checkPasses(files: Record<string, string>): Promise<boolean> {
  const entity: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'checkout', namespace: 'default' },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/payments-team',
    },
  };
  const facts = await createOwnershipFactCollector(
    new CatalogSnapshot([entity, PAYMENTS]),
  ).collect({ entity, sourceTree: tree(files) });
  return (
    facts.facts['ownership.codeownersPresent'] === true &&
    facts.facts['ownership.codeownersMatchesOwner'] === true
  );
}

function merged(files: Record<string, string>, planned: Map<string, string>) {
  return { ...files, ...Object.fromEntries(planned) };
}

describe('planCodeowners', () => {
  it('a repository without CODEOWNERS gets .github/CODEOWNERS naming the team, and the check passes', async () => {
    const files = { 'README.md': '# checkout\n' };
    const plan = await planFix(tree(files), 'codeowners', {
      codeowners: TOKENS,
    });
    expect(plan.added).toEqual(['.github/CODEOWNERS']);
    expect(plan.modified).toEqual([]);
    expect(plan.reason).toBeUndefined();
    expect(plan.files.get('.github/CODEOWNERS')).toBe(
      '# Owners of this repository: GitHub asks them to review every change.\n* @brightpath/payments\n',
    );
    expect(await checkPasses(files)).toBe(false);
    expect(await checkPasses(merged(files, plan.files))).toBe(true);
    expect(planSummary(plan)).toContain('`.github/CODEOWNERS`: names');
  });

  it('a default rule naming others gets the team appended, every other byte kept, and a note saying who else was there', async () => {
    const before = [
      '# Reviewers',
      '',
      '*   @brightpath/old-owners  @someone   # since 2021',
      '/docs/ @brightpath/writers',
      '',
    ].join('\n');
    const files = { CODEOWNERS: before };
    const plan = planCodeowners(tree(files), [], TOKENS);
    expect([...plan.files.keys()]).toEqual(['CODEOWNERS']);
    expect(plan.files.get('CODEOWNERS')).toBe(
      before.replace(
        '@someone   # since',
        '@someone @brightpath/payments   # since',
      ),
    );
    expect(plan.notes).toEqual([
      'The default rule (CODEOWNERS line 3) named @brightpath/old-owners @someone: they stay owners beside @brightpath/payments; remove them by hand if they no longer are',
    ]);
    expect(await checkPasses(files)).toBe(false);
    expect(await checkPasses(merged(files, plan.files))).toBe(true);
  });

  it('keeps CRLF line ends', () => {
    const before = '# owners\r\n* @brightpath/old\r\n/api @x/y\r\n';
    const plan = planCodeowners(
      tree({ '.github/CODEOWNERS': before }),
      [],
      TOKENS,
    );
    expect(plan.files.get('.github/CODEOWNERS')).toBe(
      '# owners\r\n* @brightpath/old @brightpath/payments\r\n/api @x/y\r\n',
    );
    const noDefault = planCodeowners(
      tree({ '.github/CODEOWNERS': '# owners\r\n\r\n/api @x/y\r\n' }),
      [],
      TOKENS,
    );
    expect(noDefault.files.get('.github/CODEOWNERS')).toBe(
      '# owners\r\n\r\n* @brightpath/payments\r\n/api @x/y\r\n',
    );
  });

  it('with no rule for the whole repository, adds one first (after the leading comment block), so later specific rules still win', async () => {
    const before = [
      '# Code owners of checkout',
      '# (reviews are required)',
      '',
      '# The API belongs to the platform',
      '/api/ @brightpath/platform-team',
      'docs/* docs@brightpath.example',
      '',
    ].join('\n');
    const files = { 'docs/CODEOWNERS': before };
    const plan = planCodeowners(tree(files), [], TOKENS);
    expect(plan.files.get('docs/CODEOWNERS')).toBe(
      [
        '# Code owners of checkout',
        '# (reviews are required)',
        '',
        '* @brightpath/payments',
        '# The API belongs to the platform',
        '/api/ @brightpath/platform-team',
        'docs/* docs@brightpath.example',
        '',
      ].join('\n'),
    );
    expect(plan.changes).toEqual([
      {
        path: 'docs/CODEOWNERS',
        what: 'adds the default rule "* @brightpath/payments" (line 4), before the more specific rules',
      },
    ]);
    expect(await checkPasses(files)).toBe(false);
    expect(await checkPasses(merged(files, plan.files))).toBe(true);
  });

  it('a CODEOWNERS of comments only, or empty, or without a final newline gets the rule at its end', () => {
    const cases: Array<[string, string]> = [
      ['# a\n# b\n', '# a\n# b\n* @brightpath/payments\n'],
      ['', '* @brightpath/payments\n'],
      ['# a', '# a\n* @brightpath/payments\n'],
    ];
    for (const [before, after] of cases) {
      expect(
        planCodeowners(tree({ CODEOWNERS: before }), [], TOKENS).files.get(
          'CODEOWNERS',
        ),
      ).toBe(after);
    }
  });

  it('edits the CODEOWNERS GitHub reads (.github/ first), not another', () => {
    const plan = planCodeowners(
      tree({
        '.github/CODEOWNERS': '* @brightpath/old\n',
        CODEOWNERS: '* @brightpath/payments\n',
      }),
      [],
      TOKENS,
    );
    expect([...plan.files.keys()]).toEqual(['.github/CODEOWNERS']);
  });

  it('a default rule naming the team already (slug, any org, case) changes nothing: reason already fixed, as the check says', async () => {
    for (const codeowners of [
      '* @brightpath/payments\n',
      '* @BrightPath/Payments\n',
      '* @acme/payments-team\n',
      '* @x/y\n/docs @z/w\n/** @someone @brightpath/payments\n',
    ]) {
      const files = { '.github/CODEOWNERS': codeowners };
      const plan = planCodeowners(tree(files), [], TOKENS);
      expect(plan.files.size).toBe(0);
      expect(plan.reason).toBe('already fixed');
      expect(plan.unchanged).toMatch(/names the owner already/);
      expect(await checkPasses(files)).toBe(true);
    }
  });

  it('the planner and the check agree: already fixed exactly when the check passes, and the check passes after every change', async () => {
    const contents = [
      '* @brightpath/payments\n',
      '* @brightpath/payment\n',
      '* @acme/payments-team\n',
      '/api @brightpath/payments\n',
      '* @brightpath/payments\n* @brightpath/old\n',
      '* @brightpath/old\n* @brightpath/payments\n',
      '/** @brightpath/payments\n',
      '/ @brightpath/old\n',
      '* payments@brightpath.example\n',
      '* brightpath/payments\n',
      '# nothing\n',
    ];
    const verdicts = [];
    for (const codeowners of contents) {
      const files = { '.github/CODEOWNERS': codeowners };
      const plan = planCodeowners(tree(files), [], TOKENS);
      const passes = await checkPasses(files);
      verdicts.push({
        codeowners,
        passes,
        fixed: plan.reason === 'already fixed',
        // After merging the plan (nothing to merge when fixed already).
        after:
          plan.files.size === 1
            ? await checkPasses(merged(files, plan.files))
            : passes,
      });
    }
    expect(verdicts.filter(v => v.fixed !== v.passes)).toEqual([]);
    expect(verdicts.filter(v => !v.after)).toEqual([]);
    expect(verdicts.filter(v => v.passes).map(v => v.codeowners)).toEqual([
      '* @brightpath/payments\n',
      '* @acme/payments-team\n',
      '* @brightpath/old\n* @brightpath/payments\n',
      '/** @brightpath/payments\n',
    ]);
  });

  it('a line GitHub skips (an invalid owner) is named in the notes, and the new default rule goes before it', async () => {
    const files = {
      '.github/CODEOWNERS': '* payments-team\n/api @x/y\n',
    };
    const plan = planCodeowners(tree(files), [], TOKENS);
    expect(plan.files.get('.github/CODEOWNERS')).toBe(
      '* @brightpath/payments\n* payments-team\n/api @x/y\n',
    );
    expect(plan.notes).toEqual([
      '.github/CODEOWNERS line 1 is skipped by GitHub: invalid owner "payments-team": expected @user, @org/team or an email',
    ]);
    expect(await checkPasses(merged(files, plan.files))).toBe(true);
  });

  it('an oversized CODEOWNERS that was not read changes nothing: needs a change by hand, saying why', () => {
    const big = `* @brightpath/old\n${'# padding\n'.repeat(200)}`;
    const t = tree(
      { '.github/CODEOWNERS': big, 'README.md': 'x' },
      { maxFileBytes: 1000 },
    );
    expect(t.has('.github/CODEOWNERS')).toBe(false);
    const plan = planCodeowners(t, [], TOKENS);
    expect(plan.files.size).toBe(0);
    expect(plan.reason).toBe('needs a change by hand');
    expect(plan.notes[0]).toMatch(
      /^\.github\/CODEOWNERS was not read \(.+\): make its default rule \(\*\) name the owning team by hand$/,
    );
  });

  it('a CODEOWNERS the portal did not copy (skippedPaths) changes nothing, nor is a new one written there', async () => {
    const kept = await planFix(tree({ 'README.md': 'x' }), 'codeowners', {
      codeowners: TOKENS,
      skippedPaths: ['.github/CODEOWNERS'],
    });
    expect(kept.files.size).toBe(0);
    expect(kept.reason).toBe('needs a change by hand');
    expect(kept.notes).toEqual([
      '.github/CODEOWNERS was not copied: make its default rule (*) name the owning team by hand',
    ]);
    const dir = planCodeowners(
      tree({ CODEOWNERS: '* @x/y\n' }),
      ['docs'],
      TOKENS,
    );
    expect([...dir.files.keys()]).toEqual(['CODEOWNERS']);
  });

  it('no GitHub team known for the group: changes nothing, and the note names the group and the annotation to set', () => {
    const plan = planCodeowners(
      tree({ 'README.md': 'x' }),
      [],
      codeownersTokensFor({
        ...PAYMENTS,
        metadata: { name: 'payments-team', namespace: 'default' },
      }),
    );
    expect(plan.files.size).toBe(0);
    expect(plan.reason).toBe('needs a change by hand');
    expect(plan.unchanged).toBe(
      'No GitHub team is known for the group payments-team, so the portal cannot name it in CODEOWNERS.',
    );
    expect(plan.notes[0]).toContain(
      'Set the annotation github.com/team-slug (org/team) on the group payments-team',
    );
  });

  it('no tokens (the owner is not in the catalog) changes nothing: needs a change by hand', () => {
    for (const owners of [undefined, []]) {
      const plan = planCodeowners(tree({ 'README.md': 'x' }), [], owners);
      expect(plan.files.size).toBe(0);
      expect(plan.reason).toBe('needs a change by hand');
      expect(plan.notes[0]).toMatch(/set spec.owner to a Group/);
    }
  });

  it('a User owner (no team) changes nothing: needs a change by hand, saying a Group with a team slug should own it', () => {
    const plan = planCodeowners(
      tree({ 'README.md': 'x' }),
      [],
      ['@ada-l', '@ada'],
    );
    expect(plan.files.size).toBe(0);
    expect(plan.reason).toBe('needs a change by hand');
    expect(plan.notes[0]).toMatch(
      /^Make a Group with the annotation github.com\/team-slug \(org\/team\) own the component/,
    );
  });

  it('a token the check would not read back (not a valid owner) is never written', () => {
    const plan = planCodeowners(
      tree({ 'README.md': 'x' }),
      [],
      ['@bright path/payments', '@*/payments-team'],
    );
    expect(plan.files.size).toBe(0);
    expect(plan.reason).toBe('needs a change by hand');
  });
});

// The demo's local repositories name their team in CODEOWNERS already; the
// fleet remediation demo breaks that (no file, someone else, no default
// rule), and the fix must make owner-codeowners-match pass again.
describe('demo repositories', () => {
  const LOCAL_REPOS = resolve(__dirname, '../../../../examples/local-repos');
  const entities = withMembership(demoOrganization());
  const catalog = {
    service: catalogServiceMock({ entities }),
    credentials: mockCredentials.user(),
  };
  const repo = createMockDirectory();
  const after = createMockDirectory();

  /** The tokens gitops:fetch-entity-source outputs for the repository's owner. */
  function tokensOf(catalogInfo: string): string[] {
    const owner = /owner: (group:default\/[\w-]+)/.exec(catalogInfo)![1];
    const group = entities.find(e => stringifyEntityRef(e) === owner)!;
    const members = (group.relations ?? [])
      .filter(r => r.type === 'hasMember')
      .map(r => entities.find(e => stringifyEntityRef(e) === r.targetRef)!);
    return codeownersTokensFor(group, { members });
  }

  async function status(dir: string) {
    const result = await scanMaturity(dir, { catalog });
    return result.results.find(r => r.checkId === 'owner-codeowners-match')
      ?.status;
  }

  const VARIANTS: Array<[string, (files: Record<string, string>) => void]> = [
    ['without CODEOWNERS', files => delete files['.github/CODEOWNERS']],
    [
      'with another default owner',
      files => {
        files['.github/CODEOWNERS'] = '# Owners\n* @brightpath/old-team\n';
      },
    ],
    [
      'with no default rule',
      files => {
        files['.github/CODEOWNERS'] = '/deploy/ @brightpath/platform-team\n';
      },
    ],
  ];

  describe.each(readdirSync(LOCAL_REPOS))('%s', name => {
    it.each(VARIANTS)(
      '%s: merging the plan makes owner-codeowners-match pass',
      async (_variant, breakIt) => {
        const source = join(LOCAL_REPOS, name);
        const files: Record<string, string> = {};
        for (const path of await listFiles(source)) {
          files[path] = await fs.readFile(join(source, path), 'utf8');
        }
        const tokens = tokensOf(files['catalog-info.yaml']);
        // As shipped, the demo repository passes, and the fix knows it.
        repo.setContent(files);
        expect(await status(repo.path)).toBe('pass');
        expect(
          (
            await planFix(await readLocalTree(repo.path), 'codeowners', {
              codeowners: tokens,
            })
          ).reason,
        ).toBe('already fixed');

        breakIt(files);
        repo.setContent(files);
        expect(await status(repo.path)).toBe('fail');
        const plan = await planFix(
          await readLocalTree(repo.path),
          'codeowners',
          { codeowners: tokens },
        );
        expect(plan.files.size).toBe(1);
        after.setContent({ ...files, ...Object.fromEntries(plan.files) });
        expect(await status(after.path)).toBe('pass');
      },
    );
  });
});
