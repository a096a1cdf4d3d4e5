import { promises as fs } from 'fs';
import os from 'os';
import { join, resolve } from 'path';
import { Entity } from '@backstage/catalog-model';
import { parse, parseAllDocuments } from 'yaml';
import { mockCredentials } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  createFixtureRepository,
  Day2Fixture,
  demoOrganization,
  startTemplateHarness,
  TemplateHarness,
  templateEntities,
  withLocation,
  withMembership,
} from './__testUtils__/templateHarness';
import { scanMaturity, scanZeroTrust } from './lib/scan';
import { validateTree } from './lib/validateTree';

jest.setTimeout(120_000);

// The portal's templates; each folder with a test-cases.yaml is rendered.
const TEMPLATES_DIR = resolve(__dirname, '../../../templates');
const EXAMPLES_DIR = resolve(__dirname, '../../../examples');
// Templates only the tests use, e.g. one with a Secret answer.
const FIXTURE_TEMPLATES_DIR = resolve(__dirname, '__fixtures__/templates');

interface TestCases {
  template: string;
  mode?: undefined;
  expect: { zeroTrustGrade: string; maturityLevel: number };
  cases: Array<{ name: string; values: Record<string, unknown> }>;
}

/**
 * Day-2 templates change an existing repository: their cases name fixture
 * repositories and check the planned change in the dry run.
 */
interface Day2TestCases {
  template: string;
  mode: 'day-2';
  fixtures?: Day2Fixture[];
  cases: Array<{
    name: string;
    values: Record<string, unknown>;
    /** Secret answers, sent as the task's secrets (a Secret field). */
    secrets?: Record<string, string>;
    /** Regular expressions the dry-run log, output text or error must match. */
    expect?: {
      log?: string[];
      notLog?: string[];
      text?: string[];
      files?: string[];
      absentFiles?: string[];
      /** Per rendered file: patterns its content must (not) match. */
      contents?: Record<string, string[]>;
      notContents?: Record<string, string[]>;
    };
    expectError?: string;
  }>;
}

function loadCases(): Array<[string, TestCases | Day2TestCases]> {
  const fsSync = require('fs') as typeof import('fs');
  return fsSync
    .readdirSync(TEMPLATES_DIR, { withFileTypes: true })
    .filter(d => d.isDirectory())
    .map(d => join(TEMPLATES_DIR, d.name, 'test-cases.yaml'))
    .filter(file => fsSync.existsSync(file))
    .map(file => [
      resolve(file, '..'),
      parse(fsSync.readFileSync(file, 'utf8')) as TestCases | Day2TestCases,
    ]);
}

const allSuites = loadCases();
const suites = allSuites.filter(
  (s): s is [string, TestCases] => s[1].mode === undefined,
);
const day2Suites = allSuites.filter(
  (s): s is [string, Day2TestCases] => s[1].mode === 'day-2',
);

describe('templates rendered through the scaffolder dry-run API', () => {
  let harness: TemplateHarness;
  let outRoot: string;
  let catalogEntities: Entity[];
  beforeAll(async () => {
    // The demo organization: owner Groups and Systems exist before a
    // service is created, as the template's pickers require.
    catalogEntities = demoOrganization();
    // The portal's templates are in the catalog too, for templates that
    // render another one (gitops:render-template).
    harness = await startTemplateHarness({
      catalogEntities: [...catalogEntities, ...templateEntities(TEMPLATES_DIR)],
    });
    outRoot = await fs.mkdtemp(join(os.tmpdir(), 'template-harness-'));
  });
  afterAll(async () => {
    await harness?.stop();
    await fs.rm(outRoot, { recursive: true, force: true });
  });

  it('finds templates to test', () => {
    expect(suites.map(([, s]) => s.template)).toContain('cloud-native-service');
  });

  describe.each(suites)('%s', (templateDir, suite) => {
    it.each(suite.cases.map(c => [c.name, c] as const))(
      'renders %s: YAML parses, schemas and workflows validate, grade and level hold',
      async (_name, testCase) => {
        const out = join(outRoot, suite.template, testCase.name);
        const rendered = await harness.render(
          templateDir,
          testCase.values,
          out,
        );

        expect(rendered.files).toContain('catalog-info.yaml');
        expect(rendered.files).toContain('.platform/template.yaml');

        const tree = await validateTree(out);
        expect(tree.problems).toEqual([]);
        expect(tree.yamlFiles).toBeGreaterThan(0);
        expect(tree.validatedObjects).toBeGreaterThan(0);

        const posture = await scanZeroTrust(out);
        expect({
          grade: posture.grade,
          failing: posture.results
            .filter(r => r.status === 'fail')
            .map(r => r.controlId),
        }).toEqual({ grade: suite.expect.zeroTrustGrade, failing: [] });

        // The generated service's own tests need an npm install of its
        // dependencies (prom-client, OpenTelemetry), too slow here; its CI
        // workflow installs and runs them. Check that it does.
        // Every template here ships a Node.js service with its own tests.
        expect(rendered.files).toContain('package.json');
        const pkg = JSON.parse(
          await fs.readFile(join(out, 'package.json'), 'utf8'),
        );
        expect(pkg.scripts.test).toBeTruthy();
        const ci = await fs.readFile(
          join(out, '.github/workflows/ci.yml'),
          'utf8',
        );
        expect(ci).toContain('npm test');
        // GitHub's own expressions survive the template engine.
        expect(ci).toContain('${{ github.sha }}');

        const maturity = await scanMaturity(out, {
          catalog: {
            service: catalogServiceMock({
              entities: withMembership(catalogEntities),
            }),
            credentials: mockCredentials.user(),
          },
        });
        expect(maturity.level).toBe(suite.expect.maturityLevel);
      },
    );
  });
});

describe('day-2 templates rendered through the scaffolder dry-run API against fixture repositories', () => {
  let harness: TemplateHarness;
  let root: string;
  beforeAll(async () => {
    root = await fs.mkdtemp(join(os.tmpdir(), 'template-day2-'));
    const publishDir = join(root, 'repos');
    await fs.mkdir(publishDir);
    const org = ['org.yaml', 'entities.yaml'].flatMap(file =>
      withLocation(
        parseAllDocuments(
          require('fs').readFileSync(join(EXAMPLES_DIR, file), 'utf8'),
        ).map(d => d.toJS() as Entity),
        join(EXAMPLES_DIR, file),
      ),
    );
    const templates = [
      ...templateEntities(TEMPLATES_DIR),
      ...templateEntities(FIXTURE_TEMPLATES_DIR),
    ];
    // Fixture repositories are rendered first, then registered, as the
    // local-repositories provider does.
    const fixtureEntities: Entity[] = [];
    const fixtures = day2Suites.flatMap(([, s]) => s.fixtures ?? []);
    if (fixtures.length > 0) {
      const maker = await startTemplateHarness({
        catalogEntities: [...org, ...templates],
      });
      try {
        for (const fixture of fixtures) {
          fixtureEntities.push(
            ...(await createFixtureRepository({
              harness: maker,
              templatesDir: [TEMPLATES_DIR, FIXTURE_TEMPLATES_DIR],
              publishDir,
              fixture,
            })),
          );
        }
      } finally {
        await maker.stop();
      }
    }
    harness = await startTemplateHarness({
      catalogEntities: [...org, ...templates, ...fixtureEntities],
      config: {
        scaffolder: { localPublish: { directory: publishDir } },
        maturity: { allowedLocalRoots: [EXAMPLES_DIR, publishDir] },
      },
    });
  });
  afterAll(async () => {
    await harness?.stop();
    await fs.rm(root, { recursive: true, force: true });
  });

  it('finds day-2 templates to test', () => {
    expect(day2Suites.map(([, s]) => s.template)).toEqual(
      expect.arrayContaining(['adopt-gitops', 'template-upgrade']),
    );
  });

  describe.each(day2Suites)('%s', (templateDir, suite) => {
    it('has two or more cases that plan a change', () => {
      expect(
        suite.cases.filter(c => !c.expectError).length,
      ).toBeGreaterThanOrEqual(2);
    });

    const failing = suite.cases.filter(c => c.expectError);
    const planning = suite.cases.filter(c => !c.expectError);

    it.each(planning.map(c => [c.name, c] as const))(
      'plans %s',
      async (_name, testCase) => {
        const out = join(root, 'out', suite.template, testCase.name);
        const rendered = await harness.render(
          templateDir,
          testCase.values,
          out,
          { secrets: testCase.secrets },
        );
        const log = rendered.log.join('\n');
        for (const pattern of testCase.expect?.log ?? []) {
          expect(log).toMatch(new RegExp(pattern));
        }
        for (const pattern of testCase.expect?.notLog ?? []) {
          expect(log).not.toMatch(new RegExp(pattern));
        }
        const text = JSON.stringify(rendered.output?.text ?? []);
        for (const pattern of testCase.expect?.text ?? []) {
          expect(text).toMatch(new RegExp(pattern));
        }
        expect(rendered.files).toEqual(
          expect.arrayContaining(testCase.expect?.files ?? []),
        );
        for (const file of testCase.expect?.absentFiles ?? []) {
          expect(rendered.files).not.toContain(file);
        }
        for (const [file, patterns] of Object.entries(
          testCase.expect?.contents ?? {},
        )) {
          const content = await fs.readFile(join(out, file), 'utf8');
          for (const pattern of patterns) {
            expect(content).toMatch(new RegExp(pattern));
          }
        }
        for (const [file, patterns] of Object.entries(
          testCase.expect?.notContents ?? {},
        )) {
          const content = await fs.readFile(join(out, file), 'utf8');
          for (const pattern of patterns) {
            expect(content).not.toMatch(new RegExp(pattern));
          }
        }
        // The proposed change is well formed: its YAML parses and its
        // Kubernetes objects and workflows validate, except in files with
        // conflict markers, which the reviewer resolves first.
        expect(rendered.files.some(f => f.startsWith('change/'))).toBe(true);
        const tree = await validateTree(join(out, 'change'));
        const withMarkers = new Set<string>();
        for (const problem of tree.problems) {
          const content = await fs.readFile(
            join(out, 'change', problem.path),
            'utf8',
          );
          if (/^<<<<<<< repository$/m.test(content)) {
            withMarkers.add(problem.path);
          }
        }
        expect(tree.problems.filter(p => !withMarkers.has(p.path))).toEqual([]);
      },
    );

    it.each(failing.map(c => [c.name, c] as const))(
      'stops with a clear error for %s',
      async (_name, testCase) => {
        const out = join(root, 'out', suite.template, testCase.name);
        await expect(
          harness.render(templateDir, testCase.values, out, {
            secrets: testCase.secrets,
          }),
        ).rejects.toThrow(new RegExp(testCase.expectError!));
      },
    );
  });
});
