import { promises as fs } from 'fs';
import os from 'os';
import { join, resolve } from 'path';
import { parseAllDocuments } from 'yaml';
import { Entity } from '@backstage/catalog-model';
import {
  createFixtureRepository,
  startTemplateHarness,
  TemplateHarness,
  templateEntities,
  withLocation,
} from './__testUtils__/templateHarness';

jest.setTimeout(120_000);

// templates/fix-catalog-owner through the real scaffolder's dry run, with
// the ownership module's set-owner action, against a repository the portal
// published on its own disk: no GitHub involved.
const TEMPLATES_DIR = resolve(__dirname, '../../../templates');
const EXAMPLES_DIR = resolve(__dirname, '../../../examples');
const TEMPLATE = join(TEMPLATES_DIR, 'fix-catalog-owner');

const CATALOG_INFO = `# Written by the golden path.
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: grading-api
  annotations:
    backstage.io/source-location: dir:./
spec:
  type: service
  lifecycle: experimental
  owner: unassigned # nobody yet
  system: learning-platform
`;

describe('fix-catalog-owner without GitHub', () => {
  let harness: TemplateHarness;
  let root: string;
  let out: string;

  beforeAll(async () => {
    root = await fs.mkdtemp(join(os.tmpdir(), 'fix-owner-'));
    const publishDir = join(root, 'repos');
    await fs.mkdir(publishDir);
    out = join(root, 'out');
    const demo: Entity[] = [];
    for (const file of ['org.yaml', 'entities.yaml']) {
      demo.push(
        ...withLocation(
          parseAllDocuments(
            await fs.readFile(join(EXAMPLES_DIR, file), 'utf8'),
          ).map(d => d.toJS() as Entity),
          join(EXAMPLES_DIR, file),
        ),
      );
    }
    const maker = await startTemplateHarness();
    let repository: Entity[];
    try {
      repository = await createFixtureRepository({
        harness: maker,
        templatesDir: TEMPLATES_DIR,
        publishDir,
        fixture: {
          name: 'grading-api',
          files: {
            'catalog-info.yaml': CATALOG_INFO,
            'src/index.js': "console.log('grading');\n",
          },
        },
      });
    } finally {
      await maker.stop();
    }
    harness = await startTemplateHarness({
      catalogEntities: [
        ...demo,
        ...repository,
        ...templateEntities(TEMPLATES_DIR),
      ],
      config: {
        scaffolder: { localPublish: { directory: publishDir } },
        maturity: { allowedLocalRoots: [EXAMPLES_DIR, publishDir] },
      },
      features: [
        // The template's set-owner action, composed in the test backend as
        // packages/backend composes it; not imported by the module itself.
        // eslint-disable-next-line @backstage/no-mixed-plugin-imports
        import('@cloud-native-portal/plugin-ownership-backend/scaffolder'),
      ],
    });
  });

  afterAll(async () => {
    await harness?.stop();
    await fs.rm(root, { recursive: true, force: true });
  });

  it('an entity with no GitHub repository (no github.com/project-slug) gets its owner fixed on a branch of its local repository', async () => {
    const result = await harness.render(
      TEMPLATE,
      {
        entityRef: 'component:default/grading-api',
        owner: 'group:default/assessments-team',
      },
      out,
    );
    // The repository comes from the entity: nothing about it was asked.
    expect(result.log.join('\n')).toMatch(
      /Copied \d+ file\(s\) of component:default\/grading-api/,
    );
    expect(result.log.join('\n')).toMatch(
      /Dry run: would commit "Set the owner of component:default\/grading-api to group:default\/assessments-team" to branch portal\/fix-catalog-owner of local repository grading-api \(from main\) with 1 file\(s\)/,
    );
    expect(result.log.join('\n')).not.toMatch(/api\.github\.com|ENOTFOUND/);

    // The proposed change is the one file, with the new owner, comments kept.
    const changed = await fs.readFile(
      join(out, 'change/catalog-info.yaml'),
      'utf8',
    );
    expect(changed).toContain('owner: group:default/assessments-team');
    expect(changed).toContain('# Written by the golden path.');
    expect(result.files.filter(f => f.startsWith('change/'))).toEqual([
      'change/catalog-info.yaml',
    ]);

    const text = JSON.stringify(result.output);
    expect(text).toContain(
      'Branch portal/fix-catalog-owner of the local repository grading-api',
    );
    expect(text).toContain(
      'spec.owner of component:default/grading-api in catalog-info.yaml: unassigned → group:default/assessments-team',
    );
  });

  it('a demo service defined in a shared examples/entities.yaml (not in its repository) gets no change, and the task says where to set the owner', async () => {
    const result = await harness.render(
      TEMPLATE,
      {
        entityRef: 'component:default/quiz-engine',
        owner: 'group:default/assessments-team',
      },
      out,
    );
    expect(result.files.filter(f => f.startsWith('change/'))).toEqual([]);
    const text = JSON.stringify(result.output);
    expect(text).toContain(
      'No change: component:default/quiz-engine is defined in file:',
    );
    expect(text).toContain(
      'examples/entities.yaml, outside its repository. Set its spec.owner to group:default/assessments-team there.',
    );
  });

  it('asks for GitHub only when chosen: openOnGitHub on an entity without github.com/project-slug is refused by name', async () => {
    await expect(
      harness.render(
        TEMPLATE,
        {
          entityRef: 'component:default/grading-api',
          owner: 'group:default/assessments-team',
          openOnGitHub: true,
        },
        out,
      ),
    ).rejects.toThrow(
      /names no GitHub repository \(annotation github.com\/project-slug\)/,
    );
  });
});
