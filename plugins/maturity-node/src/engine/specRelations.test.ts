import { withSpecRelations } from './specRelations';

describe('withSpecRelations', () => {
  it('derives relations from spec refs, in the entity namespace by default', () => {
    const entity = withSpecRelations({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'grades', namespace: 'learning' },
      spec: {
        providesApis: ['grades-api'],
        consumesApis: ['api:default/courses-api'],
        dependsOn: ['resource:events-bus', 'session-store'],
      },
    });
    expect(entity.relations).toEqual([
      { type: 'providesApi', targetRef: 'api:learning/grades-api' },
      { type: 'consumesApi', targetRef: 'api:default/courses-api' },
      { type: 'dependsOn', targetRef: 'resource:learning/events-bus' },
      { type: 'dependsOn', targetRef: 'component:learning/session-store' },
    ]);
  });

  it('leaves out malformed refs and non-string entries (bad input)', () => {
    const entity = withSpecRelations({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'grades' },
      spec: { providesApis: [':x', '', 42, 'ok'], dependsOn: 'not-a-list' },
    });
    expect(entity.relations).toEqual([
      { type: 'providesApi', targetRef: 'api:default/ok' },
    ]);
  });
});
