import { execFile } from 'child_process';
import { promises as fs, readFileSync, existsSync } from 'fs';
import os from 'os';
import { join, resolve } from 'path';
import { promisify } from 'util';
import { parse } from 'yaml';
import {
  demoOrganization,
  startTemplateHarness,
  TemplateHarness,
  templateEntities,
} from './__testUtils__/templateHarness';

const run = promisify(execFile);

// Installing a generated service's dependencies needs the npm registry, so
// these run when asked: the README's test command and CI set
// TEMPLATE_HARNESS_SERVICE_TESTS=1.
const enabled = process.env.TEMPLATE_HARNESS_SERVICE_TESTS === '1';
const ROOT = resolve(__dirname, '../../..');
const TEMPLATES_DIR = join(ROOT, 'templates');

// The templates that generate a Node.js service with its own tests.
const SERVICE_TEMPLATES = [
  'cloud-native-service',
  'serverless-function',
  'event-driven-service',
].filter(t => existsSync(join(TEMPLATES_DIR, t, 'test-cases.yaml')));

jest.setTimeout(600_000);

(enabled ? describe : describe.skip)(
  'generated services pass their own tests',
  () => {
    let harness: TemplateHarness;
    let outRoot: string;
    beforeAll(async () => {
      const org = demoOrganization();
      harness = await startTemplateHarness({
        catalogEntities: [...org, ...templateEntities(TEMPLATES_DIR)],
      });
      outRoot = await fs.mkdtemp(join(os.tmpdir(), 'generated-service-'));
    });
    afterAll(async () => {
      await harness?.stop();
      await fs.rm(outRoot, { recursive: true, force: true });
    });

    it.each(SERVICE_TEMPLATES)(
      '%s: npm install and npm test in the rendered repository',
      async template => {
        const { cases } = parse(
          readFileSync(
            join(TEMPLATES_DIR, template, 'test-cases.yaml'),
            'utf8',
          ),
        ) as { cases: Array<{ values: Record<string, unknown> }> };
        const out = join(outRoot, template);
        await harness.render(
          join(TEMPLATES_DIR, template),
          cases[0].values,
          out,
        );
        await run(
          'npm',
          ['install', '--no-audit', '--no-fund', '--ignore-scripts'],
          { cwd: out, maxBuffer: 32 * 1024 * 1024 },
        );
        const result = await run('npm', ['test'], {
          cwd: out,
          maxBuffer: 32 * 1024 * 1024,
        }).catch(e => {
          throw new Error(
            `npm test failed in the rendered ${template}:\n${e.stdout}\n${e.stderr}`,
          );
        });
        // node --test prints a summary; a run with no tests is a failure too.
        expect(result.stdout).toMatch(/# pass [1-9]/);
        expect(result.stdout).toMatch(/# fail 0/);
      },
    );
  },
);
