import { createMockDirectory } from '@backstage/backend-test-utils';
import git from 'isomorphic-git';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { testGithubClients } from '../outcomes/githubTestUtils';
import { FixReviewStates } from './reviewState';

const author = { name: 'Dev', email: 'dev@example.com' };

async function repositoryWithFixBranch(dir: string) {
  await git.init({ fs, dir, defaultBranch: 'main' });
  fs.writeFileSync(join(dir, 'deployment.yaml'), 'kind: Deployment\n');
  await git.add({ fs, dir, filepath: 'deployment.yaml' });
  await git.commit({ fs, dir, message: 'init', author });
  await git.branch({ fs, dir, ref: 'portal/fix-scale-pdb', checkout: true });
  fs.writeFileSync(join(dir, 'pdb.yaml'), 'kind: PodDisruptionBudget\n');
  await git.add({ fs, dir, filepath: 'pdb.yaml' });
  await git.commit({ fs, dir, message: 'fix', author });
  await git.checkout({ fs, dir, ref: 'main' });
}

describe('FixReviewStates', () => {
  const mockDir = createMockDirectory();
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  it('tells a local fix branch open until the default branch contains it, then merged', async () => {
    mockDir.clear();
    const dir = join(mockDir.path, 'invoice-service');
    fs.mkdirSync(dir);
    await repositoryWithFixBranch(dir);
    const url = `${pathToFileURL(dir).href}#portal/fix-scale-pdb`;

    expect(
      await new FixReviewStates({ allowedLocalRoots: [mockDir.path] }).of(url),
    ).toEqual({ state: 'open' });

    await git.merge({
      fs,
      dir,
      ours: 'main',
      theirs: 'portal/fix-scale-pdb',
      author,
    });
    // A new reader: answers are kept for a minute.
    expect(
      await new FixReviewStates({ allowedLocalRoots: [mockDir.path] }).of(url),
    ).toEqual({ state: 'merged' });
  });

  it('does not read a local repository outside maturity.allowedLocalRoots, nor guess about a deleted branch', async () => {
    mockDir.clear();
    const dir = join(mockDir.path, 'svc');
    fs.mkdirSync(dir);
    await repositoryWithFixBranch(dir);
    const outside = await new FixReviewStates({
      allowedLocalRoots: [join(mockDir.path, 'elsewhere')],
    }).of(`${pathToFileURL(dir).href}#portal/fix-scale-pdb`);
    expect(outside).toEqual({
      state: 'unknown',
      reason: expect.stringMatching(/outside maturity.allowedLocalRoots/),
    });
    const gone = await new FixReviewStates({
      allowedLocalRoots: [mockDir.path],
    }).of(`${pathToFileURL(dir).href}#portal/fix-gone`);
    expect(gone).toEqual({
      state: 'unknown',
      reason: expect.stringMatching(/branch portal\/fix-gone is gone/),
    });
  });

  it('reads a GitHub pull request as open, merged or closed without merging, and unknown without an integration', async () => {
    const answers: Record<string, object> = {
      '1': { state: 'open', merged_at: null },
      '2': { state: 'closed', merged_at: '2026-12-06T10:00:00Z' },
      '3': { state: 'closed', merged_at: null },
    };
    server.use(
      http.get(
        'https://api.github.com/repos/brightpath/invoice/pulls/:n',
        ({ params }) => HttpResponse.json(answers[String(params.n)]),
      ),
    );
    const states = new FixReviewStates({
      allowedLocalRoots: [],
      github: testGithubClients().github,
    });
    const pr = (n: number) => `https://github.com/brightpath/invoice/pull/${n}`;
    expect(await states.of(pr(1))).toEqual({ state: 'open' });
    expect(await states.of(pr(2))).toEqual({ state: 'merged' });
    expect(await states.of(pr(3))).toEqual({ state: 'closed' });
    expect(
      await states.of('https://ghe.example.com/brightpath/invoice/pull/1'),
    ).toEqual({
      state: 'unknown',
      reason: expect.stringMatching(/no GitHub integration/),
    });
  });
});
