import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { promises as fs } from 'fs';
import { join } from 'path';
import { stringify } from 'yaml';
import { listFiles } from '../lib/files';
import { createPlanUpgradeAction, TemplateRenderer } from './planUpgrade';

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

const record = (version: string, excluded: string[] = []) =>
  stringify({
    apiVersion: 'cloud-native-portal.io/v1alpha1',
    kind: 'TemplateRecord',
    template: { ref: 'template:default/cloud-native-service', version },
    values: { name: 'grading-api', mesh: 'linkerd' },
    excluded,
    generatedAt: '2026-01-01T00:00:00Z',
  });

describe('gitops:plan-upgrade', () => {
  const workspace = createMockDirectory();
  const renders: Array<Record<string, unknown>> = [];
  // The new version: a new file, a changed manifest, a service-owned file,
  // and no legacy ingress any more.
  const render: TemplateRenderer = async ({ values }) => {
    renders.push(values);
    return {
      templateRef: 'template:default/cloud-native-service',
      templateVersion: '1.0.0',
      files: Object.entries({
        '.platform/template.yaml': record('1.0.0'),
        'deploy/base/deployment.yaml': 'replicas: 2\n',
        'deploy/base/servicemonitor.yaml': 'kind: ServiceMonitor\n',
        'deploy/base/kustomization.yaml': 'resources: []\n',
        'src/app.ts': 'export const v = 1;\n',
        ...(values.leak
          ? { 'config.yaml': `hook: ${values.slackWebhook}` }
          : {}),
      }).map(([path, text]) => ({ path, content: Buffer.from(text) })),
    };
  };

  function run(options: {
    repository?: Record<string, string>;
    catalogVersion?: string;
    secretAnswers?: string;
    ref?: string;
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
  });

  it('writes only the difference: added, changed and removed, leaving service code alone', async () => {
    const { ctx, done } = run({});
    await done;
    expect(renders).toEqual([{ name: 'grading-api', mesh: 'linkerd' }]);
    expect(output(ctx, 'added')).toEqual(['deploy/base/servicemonitor.yaml']);
    expect(output(ctx, 'changed')).toEqual([
      '.platform/template.yaml',
      'deploy/base/deployment.yaml',
    ]);
    expect(output(ctx, 'removed')).toEqual(['deploy/base/legacy-ingress.yaml']);
    expect(output(ctx, 'leftToService')).toEqual(['src/app.ts']);
    expect(output(ctx, 'fromVersion')).toBe('0.9.0');
    expect(output(ctx, 'toVersion')).toBe('1.0.0');
    expect(await listFiles(join(workspace.path, 'change'))).toEqual([
      '.platform/template.yaml',
      'deploy/base/deployment.yaml',
      'deploy/base/servicemonitor.yaml',
    ]);
    expect(output(ctx, 'summary')).toMatch(
      /### Removed\n- `deploy\/base\/legacy-ingress.yaml`/,
    );
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
