import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { promises as fs } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { listFiles } from '../lib/files';
import { createPlanAdoptionAction } from './planAdoption';

const CI = `name: ci
on: { push: { branches: [main] } }
jobs:
  test:
    runs-on: ubuntu-24.04
    steps:
      - run: npm test
  image:
    needs: test
    runs-on: ubuntu-24.04
    steps:
      - run: docker build -t \${{ env.IMAGE }}:\${{ github.sha }} .
  bump-dev:
    needs: [image]
    runs-on: ubuntu-24.04
    steps:
      - run: echo bump
`;

// The parts of a cloud-native-service rendering the plan looks at.
const golden = {
  'deploy/base': {
    'kustomization.yaml': 'resources: [deployment.yaml]\n',
    'deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\n',
  },
  'deploy/overlays': {
    'dev/kustomization.yaml': 'resources: [../../base]\n',
    'prod/kustomization.yaml': 'resources: [../../base]\n',
  },
  'deploy/gitops/delivery.yaml':
    'apiVersion: argoproj.io/v1alpha1\nkind: Application\n',
  '.github': { 'workflows/ci.yml': CI, CODEOWNERS: '* @brightpath/x\n' },
  Dockerfile: 'FROM node:22\n',
  '.dockerignore': 'node_modules\n',
  'catalog-info.yaml': 'kind: Component\n',
  'src/app.ts': 'export {};\n',
  'package.json': '{}\n',
  '.platform/template.yaml': 'template: { ref: x, version: 1.0.0 }\n',
};

describe('gitops:plan-adoption', () => {
  const workspace = createMockDirectory();

  async function plan(
    repository: Record<string, any>,
    input: Record<string, unknown> = {},
  ) {
    workspace.setContent({ repository, rendered: golden });
    const ctx = createMockActionContext({
      input: {
        repositoryPath: 'repository',
        renderedPath: 'rendered',
        outputPath: 'change',
        ...input,
      },
      workspacePath: workspace.path,
    });
    await createPlanAdoptionAction().handler(ctx);
    const out = (name: string) =>
      (ctx.output as jest.Mock).mock.calls.find(c => c[0] === name)?.[1];
    return { ctx, out, files: await listFiles(join(workspace.path, 'change')) };
  }

  it('keeps the Dockerfile, CI, CODEOWNERS and catalog file of a Python repository and adds the GitOps parts', async () => {
    const { files, out } = await plan({
      Dockerfile: 'FROM python:3.12\n',
      '.github/workflows/ci.yml': 'name: ci\n',
      CODEOWNERS: '* @brightpath/assessments-team\n',
      'catalog-info.yaml': 'kind: Component\n',
      'k8s/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\n',
      'app/main.py': 'print()\n',
    });
    expect(files).toEqual([
      '.github/workflows/delivery.yml',
      '.platform/template.yaml',
      'deploy/base/deployment.yaml',
      'deploy/base/kustomization.yaml',
      'deploy/gitops/delivery.yaml',
      'deploy/overlays/dev/kustomization.yaml',
      'deploy/overlays/prod/kustomization.yaml',
    ]);
    expect(out('kept')).toEqual(
      expect.arrayContaining([
        'Dockerfile (the repository’s own image)',
        '.github/workflows/ci.yml (the repository’s own CI)',
        'CODEOWNERS (the repository’s own owners)',
        'catalog-info.yaml (the catalog reads it)',
      ]),
    );
    // The delivery workflow leaves testing to the repository's CI.
    const delivery = parse(
      await fs.readFile(
        join(workspace.path, 'change/.github/workflows/delivery.yml'),
        'utf8',
      ),
    );
    expect(Object.keys(delivery.jobs)).toEqual(['image', 'bump-dev']);
    expect(delivery.jobs.image.needs).toBeUndefined();
    expect(delivery.jobs.image.steps[0].run).toContain('${{ github.sha }}');
    expect(out('notes').join('\n')).toMatch(
      /Existing manifests stay in place: k8s\/deployment.yaml/,
    );
    // The repository's own files are never in the change.
    expect(files).not.toContain('Dockerfile');
    expect(out('summary')).toMatch(/### Keeps/);
  });

  it('adds the Node.js CI, image and CODEOWNERS a bare Node.js repository lacks, and only the missing overlay', async () => {
    const { files, out } = await plan({
      'package.json': '{"name":"x"}\n',
      'deploy/overlays/dev/kustomization.yaml': 'resources: []\n',
    });
    expect(files).toEqual(
      expect.arrayContaining([
        '.github/workflows/ci.yml',
        '.github/CODEOWNERS',
        'Dockerfile',
        '.dockerignore',
        'deploy/overlays/prod/kustomization.yaml',
      ]),
    );
    expect(files).not.toContain('deploy/overlays/dev/kustomization.yaml');
    expect(files).not.toContain('src/app.ts');
    expect(files).not.toContain('package.json');
    expect(out('kept')).toContain(
      'deploy/overlays/dev/ (the repository has a dev overlay)',
    );
  });

  it('records only the files it adds, as adopted, never the repository’s own or the golden path’s code', async () => {
    const { out } = await plan({
      Dockerfile: 'FROM python:3.12\n',
      '.github/workflows/ci.yml': 'name: ci\n',
      'app/main.py': 'print()\n',
    });
    const record = parse(
      await fs.readFile(
        join(workspace.path, 'change/.platform/template.yaml'),
        'utf8',
      ),
    );
    expect(record.adopted).toBe(true);
    expect(record.template).toEqual({ ref: 'x', version: '1.0.0' });
    expect(Object.keys(record.files).sort()).toEqual(
      out('added').filter((p: string) => p !== '.platform/template.yaml'),
    );
    expect(record.files['.github/workflows/delivery.yml']).toMatch(
      /^[0-9a-f]{64}$/,
    );
    for (const path of ['Dockerfile', 'src/app.ts', 'package.json']) {
      expect(record.files[path]).toBeUndefined();
    }
  });

  it('never adds a file the repository has but that was not copied (skippedPaths: a symlinked Dockerfile and CODEOWNERS)', async () => {
    const { files, out } = await plan(
      { 'package.json': '{"name":"x"}\n' },
      { skippedPaths: ['Dockerfile', '.github/CODEOWNERS'] },
    );
    expect(files).not.toContain('Dockerfile');
    expect(files).not.toContain('.github/CODEOWNERS');
    expect(files).toContain('.github/workflows/ci.yml');
    expect(out('skipped')).toEqual(['.github/CODEOWNERS', 'Dockerfile']);
    expect(out('notes').join('\n')).toMatch(
      /Not read from the repository.*Dockerfile/,
    );
  });

  it.each([
    ['"."', '.'],
    ['the repository', 'repository'],
    ['the rendering', 'rendered'],
    ['a folder inside the repository', 'repository/change'],
  ])(
    'rejects outputPath %s, which would be emptied with the inputs (bad input)',
    async (_what, outputPath) => {
      workspace.setContent({
        repository: { 'keep.txt': 'keep' },
        rendered: golden,
      });
      const ctx = createMockActionContext({
        input: {
          repositoryPath: 'repository',
          renderedPath: 'rendered',
          outputPath,
        },
        workspacePath: workspace.path,
      });
      await expect(createPlanAdoptionAction().handler(ctx)).rejects.toThrow(
        /outputPath ".*" overlaps (repositoryPath|renderedPath)/,
      );
      expect(
        await fs.readFile(join(workspace.path, 'repository/keep.txt'), 'utf8'),
      ).toBe('keep');
    },
  );

  it('fails clearly when the repository already has every GitOps part (bad input: an adopted repository)', async () => {
    await expect(
      plan({
        Dockerfile: 'FROM node:22\n',
        // A CI that builds the image itself: no delivery workflow is added.
        '.github/workflows/ci.yml':
          'name: ci\njobs:\n  image:\n    steps:\n      - uses: docker/build-push-action@v6\n',
        '.github/CODEOWNERS': '* @x\n',
        'deploy/base/kustomization.yaml': 'resources: []\n',
        'deploy/overlays/dev/kustomization.yaml': 'resources: []\n',
        'deploy/overlays/prod/kustomization.yaml': 'resources: []\n',
        'deploy/argocd/apps.yaml':
          'apiVersion: argoproj.io/v1alpha1\nkind: Application\n',
      }),
    ).rejects.toThrow(/Nothing to adopt.*deploy\/argocd\/apps.yaml/);
  });

  it('rejects paths outside the workspace and a missing rendering (bad input)', async () => {
    workspace.setContent({ repository: { 'a.txt': 'a' } });
    const ctx = (input: Record<string, string>) =>
      createMockActionContext({
        input: {
          repositoryPath: 'repository',
          renderedPath: 'rendered',
          outputPath: 'change',
          ...input,
        },
        workspacePath: workspace.path,
      });
    await expect(
      createPlanAdoptionAction().handler(ctx({ outputPath: '../x' })),
    ).rejects.toThrow(/outputPath "..\/x" is outside the workspace/);
    await expect(createPlanAdoptionAction().handler(ctx({}))).rejects.toThrow(
      /renderedPath ".*rendered" is not a directory/,
    );
  });
});
