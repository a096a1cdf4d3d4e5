import { JsonObject } from '@backstage/types';
import { existsSync, promises as fs, readFileSync } from 'fs';
import os from 'os';
import { join, resolve } from 'path';
import { parse, parseAllDocuments } from 'yaml';
import {
  demoOrganization,
  startTemplateHarness,
  TemplateHarness,
  templateEntities,
} from './__testUtils__/templateHarness';
import { listFiles } from './lib/files';

// Template values that try to turn one field of catalog-info.yaml into more
// keys or a second document, e.g. a Location that makes the catalog read a
// file of the host: the parameter schema refuses them, and the skeletons'
// quoting keeps them in their field even past the schema.
jest.setTimeout(120_000);

const TEMPLATES_DIR = resolve(__dirname, '../../../templates');

/** A Location document after the value, pointing at a host file. */
const location = (target: string) =>
  `\n---\napiVersion: backstage.io/v1alpha1\nkind: Location\n` +
  `metadata:\n  name: escape\nspec:\n  type: url\n  target: ${target}`;

/**
 * The bad inputs, each built from a valid value of the field. The last two
 * are one line and harmless to YAML; only the parameter schema refuses them.
 */
const BAD_INPUTS: Array<[name: string, make: (valid: string) => string]> = [
  ['a newline', v => `${v}\nannotations: {}`],
  ['a second document (---)', v => `${v}\n---\nkind: Component`],
  [
    'a Location document with an absolute file: target',
    v => v + location('file:/etc/passwd'),
  ],
  [
    'a Location document with a ../ target',
    v => v + location('../../../../etc/passwd'),
  ],
  ['kind: Location on one line', () => 'kind: Location'],
  ['an absolute file: target', () => 'file:/etc/passwd'],
  ['a ../ target', () => '../../../etc/passwd'],
];
const MULTI_LINE_OR_MAPPING = BAD_INPUTS.slice(0, 5);

/** The fields that name an entity or land in a name, per template. */
const CHECKED_FIELDS = [
  'owner',
  'system',
  'githubOrg',
  'eventBus',
  'monolith',
  'component',
  'entityRef',
];

interface TemplateFile {
  spec: { parameters: Array<{ properties: Record<string, unknown> }> };
}

function parameterNames(template: string): string[] {
  const t = parse(
    readFileSync(join(TEMPLATES_DIR, template, 'template.yaml'), 'utf8'),
  ) as TemplateFile;
  return t.spec.parameters.flatMap(p => Object.keys(p.properties ?? {}));
}

/** Values every page of the template accepts, from its test cases. */
function validValues(template: string): Record<string, unknown> {
  const file = join(TEMPLATES_DIR, template, 'test-cases.yaml');
  const values: Record<string, unknown> = existsSync(file)
    ? { ...parse(readFileSync(file, 'utf8')).cases[0].values }
    : {};
  // Fields the cases leave to the template's defaults or do not have.
  const fallback: Record<string, string> = {
    owner: 'group:default/courses-team',
    system: 'system:default/learning-platform',
    githubOrg: 'brightpath',
    eventBus: 'resource:default/learning-events',
    monolith: 'component:default/classroom-monolith',
    component: 'component:default/course-reviews',
    entityRef: 'component:default/course-reviews',
    repoUrl: 'github.com?owner=brightpath&repo=course-reviews',
  };
  const names = parameterNames(template);
  for (const [k, v] of Object.entries(fallback)) {
    if (names.includes(k) && values[k] === undefined) values[k] = v;
  }
  return values;
}

const TEMPLATES = [
  'cloud-native-service',
  'event-driven-service',
  'serverless-function',
  'strangler-fig-extraction',
  'adopt-gitops',
  'template-upgrade',
  'fix-catalog-owner',
  'fix-pod-disruption-budget',
  'fix-default-deny',
  'fix-codeowners',
  'fix-opentelemetry',
  'fix-base-image-digests',
];

const REFUSALS = TEMPLATES.flatMap(template =>
  parameterNames(template)
    .filter(f => CHECKED_FIELDS.includes(f))
    .flatMap(field =>
      BAD_INPUTS.map(([name, make]) => [template, field, name, make] as const),
    ),
);

/** Free text and names that land in YAML or a path: one line, their form. */
const OTHER_FIELDS: Array<[field: string, name: string, value: string]> = [
  ['description', 'a newline', 'Reviews.\nannotations: {}'],
  ['description', 'a Location document', `Reviews.${location('file:/')}`],
  ['description', 'a U+2028 line separator', 'Reviews.\u2028kind: Location'],
  ['description', '301 characters', 'x'.repeat(301)],
  ['imageRegistry', 'a newline', 'ghcr.io\nkind: Location'],
  ['repoUrl', 'a newline', 'github.com?owner=a&repo=b\nkind: Location'],
  ['busNamespace', 'a ../ target', '../kafka'],
  ['branchName', 'a newline', 'fix\nkind: Location'],
  ['branchName', 'a .. component', 'fix/../main'],
  ['branchName', 'an @{ sequence', 'fix@{1}'],
  ['filePath', 'an absolute path', '/etc/passwd.yaml'],
  ['filePath', 'a ../ target', '../../etc/catalog-info.yaml'],
  ['filePath', 'a file that is not YAML', 'etc/passwd'],
];
const OTHER_REFUSALS = TEMPLATES.flatMap(template =>
  OTHER_FIELDS.filter(([field]) =>
    parameterNames(template).includes(field),
  ).map(
    ([field, name, value]) => [template, field, name, () => value] as const,
  ),
);

/** The dry run's 400 answer: the schema errors, naming their fields. */
function schemaErrors(error: Error): Array<{ property: string }> {
  const match = /failed with 400: (.*)$/s.exec(error.message);
  if (!match) throw error;
  return JSON.parse(match[1]).errors;
}

describe('template parameters refuse values that would write more than their field', () => {
  let harness: TemplateHarness;
  beforeAll(async () => {
    harness = await startTemplateHarness({
      catalogEntities: [
        ...demoOrganization(),
        ...templateEntities(TEMPLATES_DIR),
      ],
    });
  });
  afterAll(() => harness?.stop());

  it.each([...REFUSALS, ...OTHER_REFUSALS])(
    '%s: %s holding %s is refused by the parameter schema',
    async (template, field, _name, make) => {
      const values = validValues(template);
      const valid = String(values[field]);
      const out = await fs.mkdtemp(join(os.tmpdir(), 'template-refused-'));
      try {
        const error = await harness
          .render(
            join(TEMPLATES_DIR, template),
            { ...values, [field]: make(valid) },
            out,
          )
          .then(
            () => undefined,
            (e: Error) => e,
          );
        expect(error).toBeInstanceOf(Error);
        // Refused for that field only, before any step ran.
        expect(schemaErrors(error!).map(e => e.property)).toEqual([
          `instance.${field}`,
        ]);
      } finally {
        await fs.rm(out, { recursive: true, force: true });
      }
    },
  );
});

/** Every key path of a parsed document, with its scalar type. */
function shape(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) {
    return [`${path}[]`, ...value.flatMap((v, i) => shape(v, `${path}[${i}]`))];
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [
      `${path}.${k}`,
      ...shape(v, `${path}.${k}`),
    ]);
  }
  return [`${path}: ${value === null ? 'null' : typeof value}`];
}

/** The shape of every YAML and JSON file of a rendered tree. */
async function treeShape(dir: string): Promise<Record<string, string[][]>> {
  const result: Record<string, string[][]> = {};
  for (const file of await listFiles(dir)) {
    const text = await fs.readFile(join(dir, file), 'utf8');
    if (/\.ya?ml$/.test(file)) {
      const docs = parseAllDocuments(text);
      for (const d of docs) {
        expect({ file, errors: d.errors }).toEqual({ file, errors: [] });
      }
      result[file] = docs.map(d => shape(d.toJS()));
    } else if (file.endsWith('.json')) {
      result[file] = [shape(JSON.parse(text))];
    }
  }
  return result;
}

// The skeletons are rendered with the parameter schema taken away, as if a
// value slipped past it: the quoting alone must keep each value in its field.
const SKELETONS = [
  'cloud-native-service',
  'event-driven-service',
  'serverless-function',
];
const RENDERINGS = SKELETONS.flatMap(template =>
  ['owner', 'system', 'githubOrg'].flatMap(field =>
    MULTI_LINE_OR_MAPPING.map(
      ([name, make]) => [template, field, name, make] as const,
    ),
  ),
);

/** Only the skeleton's fetch:template step, without the parameter schema. */
function skeletonOnly(template: JsonObject): JsonObject {
  const spec = template.spec as JsonObject;
  return {
    ...template,
    spec: {
      ...spec,
      parameters: [],
      steps: (spec.steps as JsonObject[]).filter(
        s => s.action === 'fetch:template',
      ),
    },
  };
}

describe('skeletons keep a value in its field even past the parameter schema', () => {
  let harness: TemplateHarness;
  let root: string;
  const clean: Record<string, Record<string, string[][]>> = {};
  beforeAll(async () => {
    harness = await startTemplateHarness({
      catalogEntities: demoOrganization(),
    });
    root = await fs.mkdtemp(join(os.tmpdir(), 'template-quoting-'));
    for (const template of SKELETONS) {
      const out = join(root, template, 'clean');
      await harness.render(
        join(TEMPLATES_DIR, template),
        validValues(template),
        out,
        { transformTemplate: skeletonOnly },
      );
      clean[template] = await treeShape(out);
    }
  });
  afterAll(async () => {
    await harness?.stop();
    await fs.rm(root, { recursive: true, force: true });
  });

  it.each(RENDERINGS)(
    '%s: %s holding %s renders one document per object and keeps it in the field',
    async (template, field, name, make) => {
      const values = validValues(template);
      const bad = make(String(values[field]));
      const out = join(root, template, `${field}-${name.replace(/\W+/g, '-')}`);
      await harness.render(
        join(TEMPLATES_DIR, template),
        // The owner's name part is derived with parseEntityRef, which
        // refuses most of these; the value itself is what must stay put.
        { ...values, [field]: bad },
        out,
        {
          transformTemplate: t => {
            const s = skeletonOnly(t);
            if (field === 'owner') {
              const steps = (s.spec as JsonObject).steps as JsonObject[];
              const input = steps[0].input as JsonObject;
              input.values = {
                ...(input.values as JsonObject),
                ownerName: 'courses-team',
              };
            }
            return s;
          },
        },
      );

      // The same files, documents and keys as with a valid value: no key
      // and no document was added, and no value changed its type.
      expect(await treeShape(out)).toEqual(clean[template]);

      // No Location anywhere, and the catalog file holds the value as given.
      const catalog = parseAllDocuments(
        await fs.readFile(join(out, 'catalog-info.yaml'), 'utf8'),
      ).map(d => d.toJS());
      expect(catalog.map(e => e.kind)).not.toContain('Location');
      // Where the field lands: the dashboard link for githubOrg, spec.owner
      // or spec.system of every entity otherwise.
      const landed =
        field === 'githubOrg'
          ? [catalog[0].metadata.links[1].url]
          : catalog.map(e => e.spec[field]);
      const expected =
        field === 'githubOrg'
          ? [`https://grafana.${bad}.example/d/${values.name}/overview`]
          : catalog.map(() => bad);
      expect(landed).toEqual(expected);
    },
  );
});
