import { Entity } from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import { parseAllDocuments } from 'yaml';
import {
  annotateCatalogInfo,
  checkCapability,
  githubCatalogEntry,
  isIsoDay,
  splitList,
} from './extraction';

const monolith: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'classroom-monolith',
    annotations: {
      'cloud-native-portal/capabilities': 'courses, notifications ,reporting',
    },
  },
  spec: { type: 'monolith' },
};

const service = (name: string, from: string, capability: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    annotations: {
      'cloud-native-portal/extracted-from': from,
      'cloud-native-portal/extracted-capability': capability,
    },
  },
  spec: { type: 'service' },
});

describe('checkCapability', () => {
  it('accepts a listed capability and names the ones not extracted yet, whatever the ref form', () => {
    expect(
      checkCapability(monolith, 'notifications', [
        service('course-catalog', 'classroom-monolith', 'courses'),
        // Another monolith's extraction of the same name does not count.
        service('other', 'component:default/billing-monolith', 'reporting'),
      ]),
    ).toEqual({
      capabilities: ['courses', 'notifications', 'reporting'],
      remaining: ['notifications', 'reporting'],
    });
  });

  it('rejects a capability the monolith does not list, naming the ones it does (bad input)', () => {
    expect(() => checkCapability(monolith, 'chat', [])).toThrow(
      new InputError(
        'component:default/classroom-monolith does not list the capability "chat"; it lists: courses, notifications, reporting',
      ),
    );
  });

  it('rejects a capability a service already took over (bad input)', () => {
    expect(() =>
      checkCapability(monolith, 'courses', [
        service('course-catalog', 'component:classroom-monolith', 'courses'),
      ]),
    ).toThrow(ConflictError);
  });

  it('rejects a Component that is not a monolith, or lists nothing (bad input)', () => {
    expect(() =>
      checkCapability(
        { ...monolith, spec: { type: 'service' } },
        'courses',
        [],
      ),
    ).toThrow(/is of type "service", not a monolith/);
    expect(() =>
      checkCapability(
        { ...monolith, metadata: { name: 'classroom-monolith' } },
        'courses',
        [],
      ),
    ).toThrow(/lists no capabilities/);
    expect(() =>
      checkCapability({ ...monolith, kind: 'System' }, 'courses', []),
    ).toThrow(/is not a Component/);
  });
});

describe('annotateCatalogInfo', () => {
  const text = `# The service
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: notification-service
  annotations:
    cloud-native-portal/tier: '2' # kept
spec:
  type: service
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: notification-service-api
spec:
  type: openapi
`;

  it('annotates the Component only, keeping the other documents and comments, quoting values', () => {
    const result = annotateCatalogInfo(
      text,
      { kind: 'Component' },
      { set: { 'cloud-native-portal/extracted-at': '2026-11-22' } },
    );
    expect(result.entityRef).toBe('component:default/notification-service');
    expect(result.text).toContain('# The service');
    expect(result.text).toContain("cloud-native-portal/tier: '2' # kept");
    expect(result.text).toContain(
      "cloud-native-portal/extracted-at: '2026-11-22'",
    );
    const [component, api] = parseAllDocuments(result.text).map(d => d.toJS());
    expect(component.metadata.annotations).toEqual({
      'cloud-native-portal/tier': '2',
      'cloud-native-portal/extracted-at': '2026-11-22',
    });
    expect(api.metadata).toEqual({ name: 'notification-service-api' });
  });

  it('merges list annotations without duplicates, so a second run changes nothing', () => {
    const monolithText =
      'kind: Component\napiVersion: backstage.io/v1alpha1\nmetadata:\n  name: classroom-monolith\n  annotations:\n    cloud-native-portal/routed-capabilities: courses\n';
    const change = {
      lists: { 'cloud-native-portal/routed-capabilities': ['notifications'] },
    };
    const selector = {
      kind: 'Component',
      ref: 'component:default/classroom-monolith',
    };
    const once = annotateCatalogInfo(monolithText, selector, change);
    expect(once.annotations).toEqual({
      'cloud-native-portal/routed-capabilities': 'courses, notifications',
    });
    expect(annotateCatalogInfo(once.text, selector, change).text).toBe(
      once.text,
    );
  });

  it('says which entity is missing and refuses broken YAML (bad input)', () => {
    expect(() =>
      annotateCatalogInfo(text, { kind: 'Component', ref: 'other' }, {}),
    ).toThrow(/has no Component other/);
    expect(() =>
      annotateCatalogInfo('kind: [Component\n', { kind: 'Component' }, {}),
    ).toThrow(/not valid YAML/);
  });
});

describe('helpers', () => {
  it('finds the GitHub repository of a catalog entry, and nothing for other locations', () => {
    expect(
      githubCatalogEntry(
        'url:https://github.com/brightpath/classroom/blob/main/catalog/classroom.yaml',
      ),
    ).toEqual({
      repoUrl: 'github.com?owner=brightpath&repo=classroom',
      url: 'https://github.com/brightpath/classroom/blob/main/catalog/classroom.yaml',
      path: 'catalog/classroom.yaml',
      branch: 'main',
    });
    expect(
      githubCatalogEntry('file:/work/examples/entities.yaml'),
    ).toBeUndefined();
    expect(
      githubCatalogEntry(
        'url:https://gitlab.com/brightpath/classroom/blob/main/catalog-info.yaml',
      ),
    ).toBeUndefined();
    expect(githubCatalogEntry(undefined)).toBeUndefined();
  });

  it('reads the branch of a catalog entry, also one with a slash written %2F', () => {
    expect(
      githubCatalogEntry(
        'url:https://github.com/brightpath/classroom/blob/production/catalog-info.yaml',
      ),
    ).toMatchObject({ branch: 'production', path: 'catalog-info.yaml' });
    expect(
      githubCatalogEntry(
        'url:https://github.com/brightpath/classroom/blob/release%2F2026/deploy/catalog-info.yaml',
      ),
    ).toMatchObject({
      repoUrl: 'github.com?owner=brightpath&repo=classroom',
      branch: 'release/2026',
      path: 'deploy/catalog-info.yaml',
    });
    // Not a file of a repository: no entry, no error.
    expect(
      githubCatalogEntry('url:https://github.com/brightpath/classroom'),
    ).toBeUndefined();
    expect(
      githubCatalogEntry(
        'url:https://github.com/brightpath/classroom/blob/main/README.md',
      ),
    ).toBeUndefined();
  });

  it.each([
    'url:https://github.com/brightpath/classroom/blob/main/../secrets/catalog-info.yaml',
    'url:https://github.com/brightpath/classroom/blob/main/%2e%2e/catalog-info.yaml',
    'url:https://github.com/brightpath/classroom/blob/main/./catalog-info.yaml',
    'url:https://github.com/brightpath/../other/blob/main/catalog-info.yaml',
  ])(
    'rejects a location with a "." or ".." segment (bad input: %s)',
    location => {
      expect(() => githubCatalogEntry(location)).toThrow(
        /has a "\." or "\.\." segment/,
      );
    },
  );

  it('reads days and lists strictly', () => {
    expect(isIsoDay('2026-02-28')).toBe(true);
    expect(isIsoDay('2026-02-30')).toBe(false);
    expect(isIsoDay('22.11.2026')).toBe(false);
    expect(splitList(' a, ,b ,')).toEqual(['a', 'b']);
  });
});
