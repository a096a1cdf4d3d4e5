import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { fixTemplateUrl } from './fixLink';

// The template the ownership card's "Fix it" opens, read from templates/ so
// the link and the form's parameters cannot drift apart.
const template = parse(
  readFileSync(
    resolve(__dirname, '../../../../templates/fix-catalog-owner/template.yaml'),
    'utf8',
  ),
);
const properties: Record<string, { pattern?: string }> = Object.assign(
  {},
  ...template.spec.parameters.map(
    (page: { properties?: object }) => page.properties ?? {},
  ),
);

describe('fixTemplateUrl', () => {
  it('opens fix-catalog-owner with the placeholder-owned entity (quiz-engine, owner "unassigned") filled in a field the form has', () => {
    const url = fixTemplateUrl(
      'template:default/fix-catalog-owner',
      'component:default/quiz-engine',
    );
    const [path, query] = url.split('?formData=');
    expect(path).toBe(`/create/templates/default/${template.metadata.name}`);
    const formData: Record<string, string> = JSON.parse(
      decodeURIComponent(query),
    );
    expect(formData).toEqual({ entityRef: 'component:default/quiz-engine' });
    for (const [key, value] of Object.entries(formData)) {
      expect(Object.keys(properties)).toContain(key);
      expect(value).toMatch(new RegExp(properties[key].pattern ?? ''));
    }
    // Nothing about the repository is asked: it comes from the entity.
    expect(Object.keys(properties)).not.toContain('repoUrl');
  });
});
