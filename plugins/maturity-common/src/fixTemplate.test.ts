import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { DEFAULT_MATURITY_MODEL } from './defaultModel';
import {
  fixTemplateFormData,
  FixTemplateEntity,
  fixTemplatePath,
} from './fixTemplate';

const ROOT = resolve(__dirname, '../../..');

interface TemplateProperty {
  pattern?: string;
  'ui:field'?: string;
}
interface TemplatePage {
  required?: string[];
  properties?: Record<string, TemplateProperty>;
}

/** A template of templates/, read from its template.yaml. */
function readTemplate(name: string) {
  const doc = parse(
    readFileSync(resolve(ROOT, 'templates', name, 'template.yaml'), 'utf8'),
  );
  const pages: TemplatePage[] = doc.spec.parameters;
  const properties: Record<string, TemplateProperty> = {};
  for (const page of pages) Object.assign(properties, page.properties);
  return { name: doc.metadata.name as string, pages, properties };
}

/** The demo organization's Components. */
const demo: FixTemplateEntity[] = parseAllDocuments(
  readFileSync(resolve(ROOT, 'examples/entities.yaml'), 'utf8'),
)
  .map(d => d.toJS())
  .filter(e => e?.kind === 'Component');

function demoEntity(name: string): FixTemplateEntity {
  const entity = demo.find(e => e.metadata.name === name);
  if (!entity) throw new Error(`no demo Component ${name}`);
  return entity;
}

/** The demo service each check's Fix it is tried on: one it applies to. */
function subjectOf(checkId: string): FixTemplateEntity {
  if (checkId === 'arch-decomposition-plan') {
    return demoEntity('classroom-monolith');
  }
  return demoEntity('enrolment-service');
}

const withFix = DEFAULT_MATURITY_MODEL.checks.filter(c => c.fixTemplate);

describe('Fix it links of the default model', () => {
  it('covers every kind of fix template the model links to', () => {
    expect([...new Set(withFix.map(c => c.fixTemplate!.ref))].sort()).toEqual([
      'template:default/adopt-gitops',
      'template:default/cloud-native-service',
      'template:default/event-driven-service',
      'template:default/fix-base-image-digests',
      'template:default/fix-catalog-owner',
      'template:default/fix-codeowners',
      'template:default/fix-default-deny',
      'template:default/fix-opentelemetry',
      'template:default/fix-pod-disruption-budget',
      'template:default/serverless-function',
      'template:default/strangler-fig-extraction',
      'template:default/template-upgrade',
    ]);
  });

  it.each(withFix.map(c => [c.id, c] as const))(
    '%s: a value named other than a parameter of its template would open an empty field',
    (_id, check) => {
      const entity = subjectOf(check.id);
      const name = check.fixTemplate!.ref.replace(/^.*\//, '');
      const template = readTemplate(name);
      expect(template.name).toBe(name);

      const path = fixTemplatePath(check.fixTemplate!, entity);
      const [base, query] = path.split('?formData=');
      expect(base).toBe(`/create/templates/default/${name}`);
      const formData = JSON.parse(decodeURIComponent(query));
      expect(formData).toEqual(fixTemplateFormData(check.fixTemplate!, entity));

      // Every key is a parameter, and its value passes the parameter's
      // pattern, so the form opens filled and valid.
      for (const [key, value] of Object.entries(formData)) {
        expect(Object.keys(template.properties)).toContain(key);
        const pattern = template.properties[key].pattern ?? '';
        expect(value).toMatch(new RegExp(pattern));
      }
      // The entity the form is about is filled in: the first page's first
      // required catalog picker.
      const subject = (template.pages[0].required ?? []).find(p =>
        ['EntityPicker', 'OwnerPicker'].includes(
          template.properties[p]?.['ui:field'] ?? '',
        ),
      );
      expect(subject).toBeDefined();
      expect(Object.keys(formData)).toContain(subject);
    },
  );

  it('adopt-gitops opens with the Component filled in, not an unknown entityRef', () => {
    const check = withFix.find(c => c.id === 'delivery-gitops')!;
    expect(
      fixTemplateFormData(check.fixTemplate!, demoEntity('enrolment-service')),
    ).toEqual({ component: 'component:default/enrolment-service' });
  });

  it('leaves out a placeholder the entity cannot fill (a Component with no System)', () => {
    const entity: FixTemplateEntity = {
      kind: 'Component',
      metadata: { name: 'loner', namespace: 'team-a' },
      spec: { owner: 'group:team-a/owners' },
    };
    expect(
      fixTemplatePath(
        {
          ref: 'template:default/cloud-native-service',
          values: {
            owner: '${{ entity.spec.owner }}',
            system: '${{ entity.spec.system }}',
          },
        },
        entity,
      ),
    ).toBe(
      `/create/templates/default/cloud-native-service?formData=${encodeURIComponent(
        JSON.stringify({ owner: 'group:team-a/owners' }),
      )}`,
    );
  });
});
