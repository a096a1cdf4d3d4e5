import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { mkdirSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ChangeDestinations } from './destinations';

const component = (
  name: string,
  annotations: Record<string, string>,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, annotations },
  spec: { owner: 'group:default/payments-team' },
});

describe('ChangeDestinations', () => {
  let published: string;
  beforeAll(() => {
    published = mkdtempSync(join(tmpdir(), 'destinations-'));
    mkdirSync(join(published, 'invoice-service', '.git'), { recursive: true });
    mkdirSync(join(published, 'course-catalog'));
  });
  afterAll(() => rmSync(published, { recursive: true, force: true }));

  it('says per service whether a fix becomes a local branch, a GitHub pull request or only a preview, and why', async () => {
    const destinations = new ChangeDestinations({
      catalog: catalogServiceMock({
        entities: [
          component('invoice-service', {
            'backstage.io/source-location': `dir:${join(
              published,
              'invoice-service',
            )}`,
          }),
          component('course-catalog', {
            'backstage.io/source-location': `dir:${join(
              published,
              'course-catalog',
            )}`,
          }),
          component('payments-gateway', {
            'backstage.io/source-location':
              'url:https://github.com/brightpath/payments-gateway/tree/main/',
            'github.com/project-slug': 'brightpath/payments-gateway',
          }),
          component('ledger', {
            'backstage.io/source-location': 'dir:/etc/',
          }),
        ],
      }),
      localRoots: [published],
      localPublishDirectory: published,
      github: { hasIntegration: url => url.startsWith('https://github.com/') },
    });
    const refs = [
      'component:default/invoice-service',
      'component:default/course-catalog',
      'component:default/payments-gateway',
      'component:default/ledger',
      'component:default/gone',
    ];
    const out = await destinations.of(refs, mockCredentials.user());
    expect(Object.fromEntries(out)).toEqual({
      'component:default/invoice-service': {
        type: 'local',
        repository: 'invoice-service',
      },
      'component:default/course-catalog': {
        type: 'none',
        reason: expect.stringContaining('not a git repository'),
      },
      'component:default/payments-gateway': {
        type: 'github',
        owner: 'brightpath',
        repo: 'payments-gateway',
      },
      'component:default/ledger': {
        type: 'none',
        reason: expect.stringContaining('outside the allowed local roots'),
      },
      'component:default/gone': {
        type: 'none',
        reason: 'the service is not in the catalog',
      },
    });
  });

  it('without a GitHub integration with credentials, a repository on GitHub is a preview only, and says which setting to add', async () => {
    const destinations = new ChangeDestinations({
      catalog: catalogServiceMock({
        entities: [
          component('payments-gateway', {
            'backstage.io/source-location':
              'url:https://github.com/brightpath/payments-gateway/tree/main/',
            'github.com/project-slug': 'brightpath/payments-gateway',
          }),
        ],
      }),
      localRoots: [],
      github: { hasIntegration: () => false },
    });
    const out = await destinations.of(
      ['component:default/payments-gateway'],
      mockCredentials.user(),
    );
    expect(out.get('component:default/payments-gateway')).toEqual({
      type: 'none',
      reason: expect.stringContaining('integrations.github'),
    });
  });
});
