import { promises as fs } from 'fs';
import os from 'os';
import { join, resolve } from 'path';
import { Entity } from '@backstage/catalog-model';
import { parse, parseAllDocuments } from 'yaml';
import { mockCredentials } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  startTemplateHarness,
  TemplateHarness,
  templateEntities,
  withMembership,
} from './__testUtils__/templateHarness';
import { scanMaturity, scanZeroTrust } from './lib/scan';
import { validateTree } from './lib/validateTree';

jest.setTimeout(120_000);

// The portal's templates; each folder with a test-cases.yaml is rendered.
const TEMPLATES_DIR = resolve(__dirname, '../../../templates');
const EXAMPLES_DIR = resolve(__dirname, '../../../examples');

interface TestCases {
  template: string;
  expect: { zeroTrustGrade: string; maturityLevel: number };
  cases: Array<{ name: string; values: Record<string, unknown> }>;
}

function loadCases(): Array<[string, TestCases]> {
  const fsSync = require('fs') as typeof import('fs');
  return fsSync
    .readdirSync(TEMPLATES_DIR, { withFileTypes: true })
    .filter(d => d.isDirectory())
    .map(d => join(TEMPLATES_DIR, d.name, 'test-cases.yaml'))
    .filter(file => fsSync.existsSync(file))
    .map(file => [
      resolve(file, '..'),
      parse(fsSync.readFileSync(file, 'utf8')) as TestCases,
    ]);
}

const suites = loadCases();

describe('templates rendered through the scaffolder dry-run API', () => {
  let harness: TemplateHarness;
  let outRoot: string;
  let catalogEntities: Entity[];
  beforeAll(async () => {
    // The demo organization: owner Groups and Systems exist before a
    // service is created, as the template's pickers require.
    catalogEntities = ['org.yaml', 'entities.yaml'].flatMap(file =>
      parseAllDocuments(
        require('fs').readFileSync(join(EXAMPLES_DIR, file), 'utf8'),
      ).map(d => d.toJS() as Entity),
    );
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
