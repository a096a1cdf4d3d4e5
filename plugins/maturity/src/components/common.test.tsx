import { serviceEntity } from '../__testUtils__/fixtures';
import { fixTemplateHref, shortRef } from './common';

describe('fixTemplateHref', () => {
  it('fills entity placeholders and keeps literal values', () => {
    const href = fixTemplateHref(
      {
        ref: 'template:default/adopt-gitops',
        values: {
          entityRef: '${{ entity.ref }}',
          name: '${{ entity.metadata.name }}',
          env: 'prod',
        },
      },
      serviceEntity,
    );
    const [path, query] = href.split('?formData=');
    expect(path).toBe('/create/templates/default/adopt-gitops');
    expect(JSON.parse(decodeURIComponent(query))).toEqual({
      entityRef: 'component:default/course-catalog-service',
      name: 'course-catalog-service',
      env: 'prod',
    });
  });

  it('drops a placeholder the entity cannot fill (entity.spec.missing)', () => {
    expect(
      fixTemplateHref(
        {
          ref: 'template:platform/event-driven-service',
          values: { x: '${{ entity.spec.missing }}' },
        },
        serviceEntity,
      ),
    ).toBe('/create/templates/platform/event-driven-service');
  });
});

describe('shortRef', () => {
  it('drops the default namespace and keeps other kinds visible', () => {
    expect(shortRef('group:default/courses-team')).toBe('courses-team');
    expect(shortRef('system:default/commerce')).toBe('system:commerce');
    expect(shortRef(undefined)).toBe('-');
  });
});
