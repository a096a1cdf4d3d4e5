import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createHash } from 'crypto';
import { promises as fs } from 'fs';
import { join } from 'path';
import { parse, stringify } from 'yaml';
import { planAdoption, readFileTree, setAnswer } from '../lib/day2';
import { listFiles } from '../lib/files';
import { SECRET_PLACEHOLDER } from '../lib/secrets';
import {
  createPlanUpgradeAction,
  parseSecretAnswers,
  TemplateRenderer,
} from './planUpgrade';

const SECRET = 'hooks.slack.example/T000/B000/very-secret-value';

const template = (version: string | undefined): Entity => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: {
    name: 'cloud-native-service',
    annotations: version
      ? { 'cloud-native-portal/template-version': version }
      : {},
  },
  spec: {},
});

const sha = (text: string) =>
  createHash('sha256').update(Buffer.from(text)).digest('hex');

const record = (
  version: string,
  excluded: string[] = [],
  extra: Record<string, unknown> = {},
) =>
  stringify({
    apiVersion: 'cloud-native-portal.io/v1alpha1',
    kind: 'TemplateRecord',
    template: { ref: 'template:default/cloud-native-service', version },
    values: { name: 'grading-api', mesh: 'linkerd' },
    excluded,
    ...extra,
    generatedAt: '2026-01-01T00:00:00Z',
  });

// The golden path's CI: tests, then the image.
const CI =
  'name: ci\njobs:\n  test:\n    steps: [{ run: npm test }]\n  image:\n    needs: test\n    steps: [{ run: docker build . }]\n';

// What 0.9.0 generated, as the repository's record lists it.
const GENERATED_0_9 = {
  'deploy/base/deployment.yaml': 'replicas: 1\n',
  'deploy/base/kustomization.yaml': 'resources: []\n',
  'deploy/base/legacy-ingress.yaml': 'kind: Ingress\n',
  'deploy/base/legacy-pdb.yaml': 'kind: PodDisruptionBudget\n',
  'deploy/base/hpa.yaml': 'kind: HorizontalPodAutoscaler\n',
  'deploy/overlays/dev/kustomization.yaml': 'digest: sha256:placeholder\n',
  'src/app.ts': 'export const v = 1;\n',
};
const recordedFiles = Object.fromEntries(
  Object.entries(GENERATED_0_9).map(([path, text]) => [path, sha(text)]),
);

describe('gitops:plan-upgrade', () => {
  const workspace = createMockDirectory();
  const renders: Array<Record<string, unknown>> = [];
  const renderSecrets: Array<Record<string, string> | undefined> = [];
  // The new version: a new file, a changed manifest, a service-owned file,
  // an executable script, no legacy ingress or PDB any more, and a new
  // record (as write-template-record writes it).
  const render: TemplateRenderer = async ({ values, secrets }) => {
    renders.push(values);
    renderSecrets.push(secrets);
    return {
      templateRef: 'template:default/cloud-native-service',
      templateVersion: '1.0.0',
      files: [
        ...Object.entries({
          '.platform/template.yaml': record(
            '1.0.0',
            Object.keys(secrets ?? {}),
            {
              files: { 'src/app.ts': sha('x') },
            },
          ),
          'deploy/base/deployment.yaml': 'replicas: 2\n',
          'deploy/base/servicemonitor.yaml': 'kind: ServiceMonitor\n',
          'deploy/base/kustomization.yaml': 'resources: []\n',
          'deploy/base/hpa.yaml':
            'kind: HorizontalPodAutoscaler\nmaxReplicas: 4\n',
          'deploy/overlays/dev/kustomization.yaml':
            'digest: sha256:placeholder\nreplicas: 2\n',
          'docs/diagram.png': 'new diagram',
          '.github/workflows/ci.yml': CI,
          'src/app.ts': 'export const v = 1;\n',
          'src/index.ts': 'import "./app";\n',
          Dockerfile: 'FROM node:22\n',
          ...(values.leak
            ? { 'config.yaml': `hook: ${values.slackWebhook}` }
            : {}),
        }).map(([path, text]) => ({ path, content: Buffer.from(text) })),
        {
          path: 'scripts/run.sh',
          content: Buffer.from('#!/bin/sh\nexec node .\n'),
          executable: true,
        },
      ],
    };
  };

  function run(options: {
    repository?: Record<string, string>;
    catalogVersion?: string;
    secretAnswers?: string;
    ref?: string;
    input?: Record<string, unknown>;
  }) {
    workspace.setContent({
      repository: options.repository ?? {
        '.platform/template.yaml': record('0.9.0'),
        'deploy/base/deployment.yaml': 'replicas: 1\n',
        'deploy/base/kustomization.yaml': 'resources: []\n',
        'deploy/base/legacy-ingress.yaml': 'kind: Ingress\n',
        'src/app.ts': 'export const v = 2; // the service’s own\n',
        'src/extra.ts': 'export {};\n',
      },
    });
    const ctx = createMockActionContext({
      input: {
        repositoryPath: 'repository',
        outputPath: 'change',
        servicePaths: ['src/', 'package.json'],
        managedPaths: ['deploy/'],
        ...(options.secretAnswers !== undefined
          ? { secretAnswers: options.secretAnswers }
          : {}),
        ...options.input,
      },
      workspacePath: workspace.path,
      logger: mockServices.logger.mock(),
    });
    const action = createPlanUpgradeAction({
      catalog: catalogServiceMock({
        entities: [template(options.catalogVersion ?? '1.0.0')],
      }),
      discovery: mockServices.discovery(),
      auth: mockServices.auth(),
      urlReader: mockServices.urlReader.mock(),
      render,
    });
    return { ctx, done: action.handler(ctx) };
  }
  const output = (ctx: any, name: string) =>
    (ctx.output as jest.Mock).mock.calls.find(c => c[0] === name)?.[1];

  beforeEach(() => {
    renders.length = 0;
    renderSecrets.length = 0;
  });

  it('writes only the difference of an older record without a file list: never removes, changes only managed paths', async () => {
    const { ctx, done } = run({});
    await done;
    expect(renders).toEqual([{ name: 'grading-api', mesh: 'linkerd' }]);
    expect(output(ctx, 'added')).toEqual([
      '.github/workflows/ci.yml',
      'Dockerfile',
      'deploy/base/hpa.yaml',
      'deploy/base/servicemonitor.yaml',
      'deploy/overlays/dev/kustomization.yaml',
      'docs/diagram.png',
      'scripts/run.sh',
    ]);
    expect(output(ctx, 'changed')).toEqual([
      '.platform/template.yaml',
      'deploy/base/deployment.yaml',
    ]);
    // Bad input: a record without `files`; no file is removed.
    expect(output(ctx, 'removed')).toEqual([]);
    expect(output(ctx, 'notRemoved')).toEqual([
      'deploy/base/legacy-ingress.yaml',
    ]);
    expect(output(ctx, 'leftToService')).toEqual([
      'src/app.ts',
      'src/index.ts',
    ]);
    expect(output(ctx, 'fromVersion')).toBe('0.9.0');
    expect(output(ctx, 'toVersion')).toBe('1.0.0');
    expect(output(ctx, 'summary')).toMatch(/The record has no file list/);
    // The new record lists what this version generates, for next time.
    const next = parse(
      await fs.readFile(
        join(workspace.path, 'change/.platform/template.yaml'),
        'utf8',
      ),
    );
    expect(next.files['deploy/base/deployment.yaml']).toBe(
      sha('replicas: 2\n'),
    );
    expect(next.files['.platform/template.yaml']).toBeUndefined();
  });

  it('upgrades three ways with the record’s files: keeps what the service changed, added or deleted', async () => {
    const { ctx, done } = run({
      repository: {
        '.platform/template.yaml': record('0.9.0', [], {
          files: recordedFiles,
        }),
        ...GENERATED_0_9,
        // The team's own manifest, never generated: stays.
        'deploy/base/configmap.yaml': 'kind: ConfigMap\n',
        // Deployed: the overlay holds the image's digest.
        'deploy/overlays/dev/kustomization.yaml': 'digest: sha256:1234abcd\n',
        // Generated, then changed by the team, no longer rendered: stays.
        'deploy/base/legacy-pdb.yaml':
          'kind: PodDisruptionBudget\nminAvailable: 2\n',
        // A Dockerfile the team wrote (never generated).
        Dockerfile: 'FROM node:20\n',
      },
      input: { servicePaths: [] },
    });
    await done;
    expect(output(ctx, 'added')).toEqual([
      '.github/workflows/ci.yml',
      'deploy/base/servicemonitor.yaml',
      'docs/diagram.png',
      'scripts/run.sh',
      'src/index.ts',
    ]);
    expect(output(ctx, 'changed')).toEqual([
      '.platform/template.yaml',
      'deploy/base/deployment.yaml',
      'deploy/base/hpa.yaml',
    ]);
    expect(output(ctx, 'removed')).toEqual(['deploy/base/legacy-ingress.yaml']);
    expect(output(ctx, 'notRemoved')).toEqual(['deploy/base/legacy-pdb.yaml']);
    expect(output(ctx, 'leftToService')).toEqual([
      'Dockerfile',
      'deploy/overlays/dev/kustomization.yaml',
    ]);
    const summary = output(ctx, 'summary');
    expect(summary).toMatch(
      /`deploy\/overlays\/dev\/kustomization.yaml`: changed by the service since generation; the new version differs by \+2\/−1 line\(s\), from line 1/,
    );
    expect(summary).toMatch(/`Dockerfile`: not generated by the template/);
    expect(summary).toMatch(
      /`deploy\/base\/legacy-pdb.yaml`: no longer rendered; changed by the service since generation/,
    );
    const changeFiles = await listFiles(join(workspace.path, 'change'));
    expect(changeFiles).not.toContain('deploy/overlays/dev/kustomization.yaml');
    expect(changeFiles).not.toContain('deploy/base/configmap.yaml');
  });

  it('keeps a generated file the service deleted deleted', async () => {
    // The team deleted the generated HPA (it scales with KEDA).
    const rest = Object.fromEntries(
      Object.entries(GENERATED_0_9).filter(
        ([p]) => p !== 'deploy/base/hpa.yaml',
      ),
    );
    const { ctx, done } = run({
      repository: {
        '.platform/template.yaml': record('0.9.0', [], {
          files: recordedFiles,
        }),
        ...rest,
      },
    });
    await done;
    expect(output(ctx, 'added')).not.toContain('deploy/base/hpa.yaml');
    expect(output(ctx, 'leftToService')).toContain('deploy/base/hpa.yaml');
    expect(output(ctx, 'summary')).toMatch(
      /`deploy\/base\/hpa.yaml`: generated, then deleted by the service; stays deleted/,
    );
  });

  it('proposes a mode-only change and writes the executable bit', async () => {
    const script = '#!/bin/sh\nexec node .\n';
    const { ctx, done } = run({
      repository: {
        '.platform/template.yaml': record('0.9.0', [], {
          files: { ...recordedFiles, 'scripts/run.sh': sha(script) },
        }),
        ...GENERATED_0_9,
        // Same content, not executable: as generated by 0.9.0.
        'scripts/run.sh': script,
      },
    });
    await done;
    expect(output(ctx, 'changed')).toContain('scripts/run.sh');
    expect(output(ctx, 'summary')).toMatch(
      /`scripts\/run.sh`: only the mode differs: the new version makes it executable/,
    );
    const stat = await fs.stat(join(workspace.path, 'change/scripts/run.sh'));
    expect(stat.mode & 0o111).not.toBe(0);
    // The tree read back keeps the mode.
    const tree = await readFileTree(join(workspace.path, 'change'));
    expect(tree.get('scripts/run.sh')?.executable).toBe(true);
    expect(tree.get('deploy/base/deployment.yaml')?.executable).toBe(false);
  });

  it('never adds, overwrites or removes skippedPaths, and reports them', async () => {
    const { ctx, done } = run({
      repository: {
        '.platform/template.yaml': record('0.9.0', [], {
          files: recordedFiles,
        }),
        ...Object.fromEntries(
          Object.entries(GENERATED_0_9).filter(
            ([p]) => p !== 'deploy/base/legacy-ingress.yaml',
          ),
        ),
      },
      // The repository has these, but they were not copied (binary,
      // symlink): a diagram the new version renders too, and the legacy
      // ingress. Adding the diagram would overwrite the repository's own.
      input: {
        skippedPaths: ['docs/diagram.png', 'deploy/base/legacy-ingress.yaml'],
      },
    });
    await done;
    expect(output(ctx, 'added')).not.toContain('docs/diagram.png');
    expect(output(ctx, 'changed')).not.toContain('docs/diagram.png');
    expect(output(ctx, 'removed')).not.toContain(
      'deploy/base/legacy-ingress.yaml',
    );
    expect(output(ctx, 'skipped')).toEqual([
      'deploy/base/legacy-ingress.yaml',
      'docs/diagram.png',
    ]);
    expect(output(ctx, 'summary')).toMatch(
      /not read by the portal[^#]*`docs\/diagram.png`/,
    );
    expect(
      await listFiles(join(workspace.path, 'change')).then(f =>
        f.includes('docs/diagram.png'),
      ),
    ).toBe(false);
  });

  it('upgrades an adopted repository only within what the adoption added', async () => {
    // A Java repository adopted the golden path: its own Dockerfile, CI
    // and code stay; the adoption added the base, an overlay and the
    // delivery workflow.
    const entry = (text: string) => ({
      content: Buffer.from(text),
      executable: false,
    });
    const java = new Map(
      Object.entries({
        Dockerfile: 'FROM eclipse-temurin:21\n',
        '.github/workflows/build.yml': 'name: build\n',
        'src/main/java/App.java': 'class App {}\n',
      }).map(([p, t]) => [p, entry(t)]),
    );
    const golden09 = new Map(
      Object.entries({
        'deploy/base/kustomization.yaml': 'resources: []\n',
        'deploy/overlays/dev/kustomization.yaml': 'resources: [../../base]\n',
        '.github/workflows/ci.yml': CI,
        Dockerfile: 'FROM node:22\n',
        'src/app.ts': 'export {};\n',
        '.platform/template.yaml': record('0.9.0'),
      }).map(([p, t]) => [p, entry(t)]),
    );
    const adoption = planAdoption(java, golden09);
    const adoptedRecord = parse(
      adoption.files.get('.platform/template.yaml')!.content.toString(),
    );
    expect(adoptedRecord.adopted).toBe(true);
    expect(Object.keys(adoptedRecord.files).sort()).toEqual([
      '.github/workflows/delivery.yml',
      'deploy/base/kustomization.yaml',
      'deploy/overlays/dev/kustomization.yaml',
    ]);
    const repository: Record<string, string> = {};
    for (const [p, e] of [...java, ...adoption.files]) {
      repository[p] = e.content.toString();
    }
    const { ctx, done } = run({ repository });
    await done;
    const added = output(ctx, 'added');
    // Never the Node code, image or CI outside what the adoption manages.
    for (const path of ['Dockerfile', 'src/index.ts', 'scripts/run.sh']) {
      expect(added).not.toContain(path);
    }
    expect(output(ctx, 'changed')).not.toContain('Dockerfile');
    expect(output(ctx, 'leftToService')).not.toContain('Dockerfile');
    // New files under the directories the adoption added are proposed.
    expect(added).toEqual(
      expect.arrayContaining([
        'deploy/base/hpa.yaml',
        'deploy/base/servicemonitor.yaml',
      ]),
    );
    // The delivery workflow is not removed though the template renders
    // ci.yml: it is derived from it, as the adoption did.
    expect(output(ctx, 'removed')).toEqual([]);
    const next = parse(
      await fs.readFile(
        join(workspace.path, 'change/.platform/template.yaml'),
        'utf8',
      ),
    );
    expect(next.adopted).toBe(true);
    expect(Object.keys(next.files)).not.toContain('Dockerfile');
    expect(Object.keys(next.files)).not.toContain('src/app.ts');
  });

  it('renders with the re-entered secret answers and never logs them', async () => {
    const { ctx, done } = run({
      repository: {
        '.platform/template.yaml': record('0.9.0', ['slackWebhook']),
      },
      secretAnswers: `slackWebhook: ${SECRET}`,
    });
    await done;
    expect(renders[0].slackWebhook).toBe(SECRET);
    // Also as task secrets: the scaffolder redacts them from the dry run's
    // log, and write-template-record leaves them out of the new record.
    expect(renderSecrets[0]).toEqual({ slackWebhook: SECRET });
    const logger = ctx.logger as unknown as Record<string, jest.Mock>;
    const logged = JSON.stringify(
      ['info', 'warn', 'error', 'debug'].map(level => logger[level].mock.calls),
    );
    expect(logged).toContain('re-entered secret answer');
    expect(logged).not.toContain(SECRET);
    expect(JSON.stringify((ctx.output as jest.Mock).mock.calls)).not.toContain(
      SECRET,
    );
  });

  it('puts a secret list item back by index (notify[1]) over the placeholder', async () => {
    const { done } = run({
      repository: {
        '.platform/template.yaml': stringify({
          template: {
            ref: 'template:default/cloud-native-service',
            version: '0.9.0',
          },
          values: { notify: ['#alerts', SECRET_PLACEHOLDER, '#ops'] },
          excluded: ['notify[1]'],
        }),
      },
      secretAnswers: `{"notify[1]": ${SECRET}}`,
    });
    await done;
    expect(renders[0].notify).toEqual(['#alerts', SECRET, '#ops']);
    expect(renderSecrets[0]).toEqual({ 'notify[1]': SECRET });
  });

  it('does not pollute Object.prototype (bad input: excluded "__proto__.isAdmin" with a secret answer for it)', async () => {
    for (const path of ['__proto__.isAdmin', 'constructor.prototype.isAdmin']) {
      const { done } = run({
        repository: {
          '.platform/template.yaml': record('0.9.0', [path]),
        },
        secretAnswers: `{"${path}": "true"}`,
      });
      await expect(done).rejects.toThrow(
        /excluded Answer path ".*" names "(__proto__|constructor)", which is not an answer/,
      );
      expect(({} as any).isAdmin).toBeUndefined();
    }
    // setAnswer itself refuses them too, and only steps into own properties.
    const values: any = {};
    expect(() => setAnswer(values, '__proto__.isAdmin', 'true')).toThrow(
      /names "__proto__"/,
    );
    expect(() => setAnswer(values, 'a.prototype', 'true')).toThrow(
      /names "prototype"/,
    );
    setAnswer(values, 'toString.isAdmin', 'true');
    expect(Object.hasOwn(values, 'toString')).toBe(true);
    expect(({} as any).isAdmin).toBeUndefined();
    expect(typeof ({} as any).toString).toBe('function');
  });

  it('reads the single-line Secret field as a flow mapping', () => {
    expect(
      parseSecretAnswers(
        '{slackWebhook: https://hooks.slack.example/T0/B0, apiKey: "a, b: c", pin: 0123}',
      ),
    ).toEqual({
      slackWebhook: 'https://hooks.slack.example/T0/B0',
      apiKey: 'a, b: c',
      pin: '0123',
    });
    expect(parseSecretAnswers('slackWebhook: x\napiKey: y\n')).toEqual({
      slackWebhook: 'x',
      apiKey: 'y',
    });
  });

  it.each([
    ['"."', '.'],
    ['the repository itself', 'repository'],
    ['a folder inside the repository', 'repository/change'],
  ])(
    'rejects outputPath %s, which would delete the repository before planning',
    async (_what, outputPath) => {
      const { done } = run({
        repository: {
          '.platform/template.yaml': record('0.9.0'),
          'src/app.ts': 'keep me\n',
        },
        input: { outputPath },
      });
      await expect(done).rejects.toThrow(
        new RegExp(
          `outputPath "${outputPath.replace(
            '.',
            '\\.',
          )}" overlaps repositoryPath`,
        ),
      );
      expect(
        await fs.readFile(
          join(workspace.path, 'repository/src/app.ts'),
          'utf8',
        ),
      ).toBe('keep me\n');
      expect(renders).toEqual([]);
    },
  );

  it.each([
    [
      'a repository without .platform/template.yaml',
      { repository: { 'README.md': '#' } },
      /has no .platform\/template.yaml/,
    ],
    [
      'a malformed record',
      { repository: { '.platform/template.yaml': 'template: [unclosed\n' } },
      /is not valid YAML/,
    ],
    [
      'a record without a version',
      {
        repository: {
          '.platform/template.yaml': 'template: { ref: template:default/x }\n',
        },
      },
      /no template.version of the form x.y.z/,
    ],
    [
      'an unknown template ref',
      {
        repository: {
          '.platform/template.yaml':
            'template: { ref: template:default/gone, version: 0.1.0 }\n',
        },
      },
      /names template:default\/gone, which is not a Template in the catalog/,
    ],
    [
      'the same version as the catalog',
      { catalogVersion: '0.9.0' },
      /already at template:default\/cloud-native-service 0.9.0/,
    ],
    [
      'a newer version than the catalog',
      { catalogVersion: '0.8.1' },
      /records template:default\/cloud-native-service 0.9.0, newer than the catalog's 0.8.1/,
    ],
    [
      'a secret answer not given again',
      {
        repository: {
          '.platform/template.yaml': record('0.9.0', ['slackWebhook']),
        },
      },
      /left out slackWebhook as secret; give them again/,
    ],
    [
      'a secret list item recorded without a placeholder (an older record)',
      {
        repository: {
          '.platform/template.yaml': stringify({
            template: {
              ref: 'template:default/cloud-native-service',
              version: '0.9.0',
            },
            values: { notify: ['#ops'] },
            excluded: ['notify[0]'],
          }),
        },
        secretAnswers: `{"notify[0]": ${SECRET}}`,
      },
      /lists "notify\[0\]" as secret, but its answers hold no placeholder/,
    ],
    [
      'a record whose files are not hashes',
      {
        repository: {
          '.platform/template.yaml': record('0.9.0', [], {
            files: { 'a.txt': 'not-a-hash' },
          }),
        },
      },
      /files is not a mapping of path to sha256/,
    ],
    [
      'secretAnswers that are not a mapping',
      {
        repository: {
          '.platform/template.yaml': record('0.9.0', ['slackWebhook']),
        },
        secretAnswers: `- ${SECRET}`,
      },
      /secretAnswers must be a YAML mapping/,
    ],
  ])('rejects %s', async (_what, options, error) => {
    const { done } = run(options);
    await expect(done).rejects.toThrow(error);
    await expect(done).rejects.not.toThrow(SECRET);
    expect(renders).toEqual([]);
  });

  it('refuses to propose a file the template wrote a secret answer into', async () => {
    const { done } = run({
      repository: {
        '.platform/template.yaml': stringify({
          template: {
            ref: 'template:default/cloud-native-service',
            version: '0.9.0',
          },
          values: { leak: true },
          excluded: ['slackWebhook'],
        }),
      },
      secretAnswers: `slackWebhook: ${SECRET}`,
    });
    await expect(done).rejects.toThrow(
      /writes the secret answer slackWebhook into config.yaml/,
    );
    expect(
      await fs.readdir(workspace.path).then(d => d.includes('change')),
    ).toBe(false);
  });
});
