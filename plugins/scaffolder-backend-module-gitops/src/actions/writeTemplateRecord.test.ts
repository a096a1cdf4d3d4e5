import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { readFileSync } from 'fs';
import { createHash } from 'crypto';
import { parse } from 'yaml';
import { gunzipSync } from 'zlib';
import { unpackGenerated } from '../lib/merge';
import { SECRET_PLACEHOLDER } from '../lib/secrets';
import { createWriteTemplateRecordAction } from './writeTemplateRecord';

const GITHUB_TOKEN = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';

describe('gitops:write-template-record', () => {
  const workspace = createMockDirectory();
  beforeEach(() => workspace.clear());
  const readRecord = () =>
    readFileSync(workspace.resolve('.platform/template.yaml'), 'utf8');

  const template = {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 'cloud-native-service', namespace: 'default' },
    spec: {
      parameters: [
        {
          properties: {
            name: { type: 'string' },
            registryPassword: { type: 'string', 'ui:field': 'Secret' },
          },
        },
      ],
    },
  };

  function run(input: Record<string, unknown>, isDryRun = false) {
    const action = createWriteTemplateRecordAction({
      catalog: catalogServiceMock({ entities: [template] }),
    });
    const logger = mockServices.logger.mock();
    const ctx = {
      ...createMockActionContext({
        input: input as any,
        workspacePath: workspace.path,
        logger,
        secrets: { pagerKey: 'super-secret-pager-value' },
        templateInfo: {
          entityRef: 'template:default/cloud-native-service',
          baseUrl: 'file:///tmp/template.yaml',
        },
      }),
      isDryRun,
    };
    return { action, ctx, go: () => action.handler(ctx) };
  }

  it('records ref, version and answers, and leaves every kind of secret out of the file and the logs', async () => {
    const { ctx, go } = run({
      templateVersion: '1.0.0',
      values: {
        name: 'course-reviews',
        owner: 'group:default/courses-team',
        registryPassword: 'hunter2-marked-secret', // ui:field Secret in the template
        extra: { githubToken: 'named-like-a-credential' }, // name says credential
        note: `token is ${GITHUB_TOKEN}`, // value looks like a GitHub token
        pager: 'super-secret-pager-value', // equals a task secret
        dbKey: 'listed-in-secretKeys',
      },
      secretKeys: ['dbKey'],
    });
    await go();

    const text = readRecord();
    const record = parse(text);
    expect(record.template).toEqual({
      ref: 'template:default/cloud-native-service',
      version: '1.0.0',
    });
    expect(record.values).toEqual({
      name: 'course-reviews',
      owner: 'group:default/courses-team',
      extra: {},
    });
    expect(record.excluded.sort()).toEqual(
      [
        'dbKey',
        'extra.githubToken',
        'note',
        'pager',
        'registryPassword',
      ].sort(),
    );
    const logger = ctx.logger as unknown as Record<string, jest.Mock>;
    const logged = JSON.stringify(
      ['info', 'warn', 'error', 'debug'].map(level => logger[level].mock.calls),
    );
    expect(logged).toContain('left out 5 secret answer(s)');
    for (const secret of [
      'hunter2-marked-secret',
      'named-like-a-credential',
      GITHUB_TOKEN,
      'super-secret-pager-value',
      'listed-in-secretKeys',
    ]) {
      expect(text).not.toContain(secret);
      expect(logged).not.toContain(secret);
    }
    expect(ctx.output).toHaveBeenCalledWith('path', '.platform/template.yaml');
  });

  it('lists every generated file with its sha256, leaving out the record and .git', async () => {
    workspace.setContent({
      'catalog-info.yaml': 'kind: Component\n',
      'deploy/base/kustomization.yaml': 'resources: []\n',
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.platform/template.yaml': 'an older record\n',
    });
    const { go } = run({ templateVersion: '1.0.0', values: { name: 'x' } });
    await go();
    const record = parse(readRecord());
    expect(record.files).toEqual({
      'catalog-info.yaml': createHash('sha256')
        .update('kind: Component\n')
        .digest('hex'),
      'deploy/base/kustomization.yaml': createHash('sha256')
        .update('resources: []\n')
        .digest('hex'),
    });
  });

  it('keeps the text of each generated file as the merge base, except binary files and files holding a secret answer', async () => {
    workspace.setContent({
      'deploy/base/kustomization.yaml': 'resources: []\n',
      'assets/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00]),
      // The template wrote a task secret and a redacted answer into files.
      'config/pager.yaml': 'key: super-secret-pager-value\n',
      'config/db.yaml': 'key: listed-in-secretKeys\n',
    });
    const { go } = run({
      templateVersion: '1.0.0',
      values: { name: 'x', dbKey: 'listed-in-secretKeys' },
      secretKeys: ['dbKey'],
    });
    await go();
    const text = readRecord();
    const record = parse(text);
    // Every file keeps its sha256 ...
    expect(Object.keys(record.files).sort()).toEqual([
      'assets/logo.png',
      'config/db.yaml',
      'config/pager.yaml',
      'deploy/base/kustomization.yaml',
    ]);
    // ... and only the text files without a secret their text.
    const { contents, mismatched } = unpackGenerated(
      record.generated,
      record.files,
    );
    expect([...contents]).toEqual([
      ['deploy/base/kustomization.yaml', 'resources: []\n'],
    ]);
    expect(mismatched).toEqual([]);
    expect(text).not.toContain('super-secret-pager-value');
    expect(text).not.toContain('listed-in-secretKeys');
    expect(
      gunzipSync(Buffer.from(record.generated, 'base64')).toString('utf8'),
    ).not.toMatch(/super-secret-pager-value|listed-in-secretKeys/);
  });

  it('keeps a secret list item’s place with a placeholder (notify[1])', async () => {
    const { go } = run({
      templateVersion: '1.0.0',
      values: { notify: ['#alerts', 'super-secret-pager-value', '#ops'] },
    });
    await go();
    const text = readRecord();
    const record = parse(text);
    expect(record.values.notify).toEqual([
      '#alerts',
      SECRET_PLACEHOLDER,
      '#ops',
    ]);
    expect(record.excluded).toEqual(['notify[1]']);
    expect(text).not.toContain('super-secret-pager-value');
  });

  it('writes the record in a dry run too, without reading the catalog', async () => {
    const { go } = run(
      { templateVersion: '2.0.0', values: { name: 'x' } },
      true,
    );
    await go();
    const record = parse(readRecord());
    expect(record.template.version).toBe('2.0.0');
  });

  it('rejects a path outside the workspace ("../escape.yaml")', async () => {
    const { go } = run({
      templateVersion: '1.0.0',
      values: {},
      path: '../escape.yaml',
    });
    await expect(go()).rejects.toThrow(/path "..\/escape.yaml" is outside/);
  });

  it('rejects a malformed templateRef ("template:default/")', async () => {
    const { go } = run({
      templateVersion: '1.0.0',
      values: {},
      templateRef: 'template:default/',
    });
    await expect(go()).rejects.toThrow(
      /templateRef "template:default\/" is not an entity ref/,
    );
  });
});
