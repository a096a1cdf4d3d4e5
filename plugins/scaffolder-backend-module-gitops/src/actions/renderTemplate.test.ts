import { promises as fs } from 'fs';
import os from 'os';
import { join, resolve } from 'path';
import { parse, stringify } from 'yaml';
import {
  demoOrganization,
  startTemplateHarness,
  TemplateHarness,
  templateEntities,
} from '../__testUtils__/templateHarness';

jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '../../../..');

/** A template whose one step renders another catalog Template. */
const composing = (templateRef: string, targetPath = './service') => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'composing' },
  spec: {
    owner: 'group:default/platform-team',
    type: 'service',
    parameters: [{ properties: { name: { type: 'string' } } }],
    steps: [
      {
        id: 'render',
        action: 'gitops:render-template',
        input: {
          templateRef,
          targetPath,
          values: {
            name: '${{ parameters.name }}',
            description: 'Learner reviews of courses.',
            owner: 'group:default/courses-team',
            system: 'system:default/learning-platform',
            // A dry run does not fill in the form's defaults.
            lifecycle: 'experimental',
            tier: '2',
            mesh: 'istio',
            gitops: 'argocd',
            githubOrg: 'brightpath',
            imageRegistry: 'ghcr.io',
          },
        },
      },
    ],
    output: { text: [] },
  },
});

describe('gitops:render-template through the real scaffolder', () => {
  let harness: TemplateHarness;
  let dir: string;
  beforeAll(async () => {
    const org = demoOrganization();
    harness = await startTemplateHarness({
      catalogEntities: [...org, ...templateEntities(join(ROOT, 'templates'))],
    });
    dir = await fs.mkdtemp(join(os.tmpdir(), 'render-template-'));
  });
  afterAll(async () => {
    await harness?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function renderComposing(template: object, name = 'course-reviews') {
    const templateDir = join(dir, 'template');
    await fs.rm(templateDir, { recursive: true, force: true });
    await fs.mkdir(templateDir, { recursive: true });
    await fs.writeFile(join(templateDir, 'template.yaml'), stringify(template));
    return harness.render(templateDir, { name }, join(dir, 'out'));
  }

  it('renders cloud-native-service into a subfolder, with its template record naming it', async () => {
    const rendered = await renderComposing(
      composing('template:default/cloud-native-service'),
    );
    expect(rendered.files).toEqual(
      expect.arrayContaining([
        'service/catalog-info.yaml',
        'service/Dockerfile',
        'service/deploy/base/deployment.yaml',
      ]),
    );
    const record = parse(
      await fs.readFile(
        join(rendered.directory, 'service/.platform/template.yaml'),
        'utf8',
      ),
    );
    expect(record.template).toEqual({
      ref: 'template:default/cloud-native-service',
      version: '1.0.0',
    });
    expect(record.values.name).toBe('course-reviews');
    expect(rendered.log.join('\n')).toMatch(
      /Rendered \d+ files of template:default\/cloud-native-service 1\.0\.0/,
    );
  });

  it('names the template when the ref is unknown or malformed (bad input)', async () => {
    await expect(
      renderComposing(composing('template:default/no-such-template')),
    ).rejects.toThrow(/No Template template:default\/no-such-template/);
    await expect(renderComposing(composing('group:'))).rejects.toThrow(
      /not an entity ref/,
    );
  });

  it('passes on the rendered template’s own failure, e.g. an answer its schema rejects', async () => {
    // The name pattern of cloud-native-service rejects upper case.
    await expect(
      renderComposing(
        composing('template:default/cloud-native-service'),
        'Course_Reviews',
      ),
    ).rejects.toThrow(
      /Rendering template:default\/cloud-native-service failed/,
    );
  });

  it('refuses a target path outside the workspace', async () => {
    await expect(
      renderComposing(
        composing('template:default/cloud-native-service', '../escape'),
      ),
    ).rejects.toThrow(/outside the workspace/);
  });
});
