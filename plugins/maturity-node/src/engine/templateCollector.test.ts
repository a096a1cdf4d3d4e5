import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DEFAULT_MATURITY_MODEL,
  unknownReasons,
} from '@cloud-native-portal/plugin-maturity-common';
import { evaluateCheckout } from './collectEntityFacts';
import { createRepositoryTree } from '../createRepositoryTree';
import { CatalogSnapshot } from './CatalogSnapshot';
import { createTemplateFactCollector } from './templateCollector';

const service: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'lesson-progress' },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
};

function template(version?: string, name = 'cloud-native-service'): Entity {
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: {
      name,
      namespace: 'default',
      annotations: version
        ? { 'cloud-native-portal/template-version': version }
        : {},
    },
  };
}

function record(version: string, extra = '') {
  return [
    'apiVersion: cloud-native-portal.io/v1alpha1',
    'kind: TemplateRecord',
    'template:',
    '  ref: template:default/cloud-native-service',
    `  version: ${version}`,
    extra,
  ].join('\n');
}

async function collect(
  files: Record<string, string | Buffer> | undefined,
  catalog: Entity[],
) {
  const sourceTree = files
    ? createRepositoryTree({
        source: 'mem',
        files: Object.entries(files).map(([path, content]) => ({
          path,
          content: Buffer.isBuffer(content) ? content : Buffer.from(content),
        })),
      })
    : undefined;
  return createTemplateFactCollector(
    new CatalogSnapshot([...catalog, service]),
  ).collect({
    entity: service,
    sourceTree,
    sourceTreeError: files ? undefined : unknownReasons.missingSourceLocation(),
  });
}

describe('template facts', () => {
  it('a record on the catalog version is current, with the record line and the template as evidence', async () => {
    const set = await collect(
      { '.platform/template.yaml': record('1.1.0'), 'README.md': '#' },
      [template('1.1.0')],
    );
    expect(set.facts).toEqual({
      'template.recorded': true,
      'template.current': true,
    });
    expect(set.unknown).toBeUndefined();
    expect(set.evidence?.['template.current']).toEqual([
      {
        path: '.platform/template.yaml',
        line: 5,
        note: 'generated from template:default/cloud-native-service 1.1.0',
      },
      {
        annotation: 'metadata.annotations.cloud-native-portal/template-version',
        note: 'template:default/cloud-native-service is at 1.1.0 in the catalog',
      },
    ]);
  });

  it('an older record is not current (compared as versions, 1.9.0 < 1.10.0), and names the upgrade', async () => {
    const set = await collect({ '.platform/template.yaml': record('1.9.0') }, [
      template('1.10.0'),
    ]);
    expect(set.facts['template.current']).toBe(false);
    expect(set.evidence?.['template.current']?.[1].note).toContain(
      'template-upgrade',
    );
  });

  it('a newer record than the catalog counts as current', async () => {
    const set = await collect({ '.platform/template.yaml': record('v2.0.0') }, [
      template('1.4.2'),
    ]);
    expect(set.facts['template.current']).toBe(true);
  });

  it('an adopted record is compared the same way, and says so', async () => {
    const set = await collect(
      {
        '.platform/template.yaml': record(
          '1.0.0',
          'adopted: true\nfiles:\n  deploy/base/deployment.yaml: x',
        ),
      },
      [template('1.1.0')],
    );
    expect(set.facts).toEqual({
      'template.recorded': true,
      'template.current': false,
    });
    expect(set.evidence?.['template.current']?.[0].note).toBe(
      'generated from template:default/cloud-native-service 1.0.0 (adopted)',
    );
  });

  it('a repository without a record is not recorded, and current is unknown', async () => {
    const set = await collect({ 'README.md': '#' }, [template('1.0.0')]);
    expect(set.facts).toEqual({ 'template.recorded': false });
    expect(set.unknown?.['template.current']).toContain(
      'no .platform/template.yaml',
    );
  });

  it('a template missing from the catalog leaves current unknown with how to connect it', async () => {
    const set = await collect({ '.platform/template.yaml': record('1.0.0') }, [
      template('1.0.0', 'serverless-function'),
    ]);
    expect(set.facts).toEqual({ 'template.recorded': true });
    expect(set.unknown?.['template.current']).toBe(
      '.platform/template.yaml names template:default/cloud-native-service, which is not a Template in the catalog; register the template (templates/all.yaml) or correct template.ref in the record',
    );
  });

  it('a template without a version annotation, or with one that is not x.y.z, leaves current unknown', async () => {
    const none = await collect({ '.platform/template.yaml': record('1.0.0') }, [
      template(undefined),
    ]);
    expect(none.unknown?.['template.current']).toContain(
      'has no cloud-native-portal/template-version annotation',
    );
    const bad = await collect({ '.platform/template.yaml': record('1.0.0') }, [
      template('1.x'),
    ]);
    expect(bad.unknown?.['template.current']).toContain(
      '"1.x", which is not a version of the form x.y.z',
    );
    expect(bad.facts['template.current']).toBeUndefined();
  });

  it('an unparsable record is recorded, and current is unknown with the reader error', async () => {
    const set = await collect({ '.platform/template.yaml': record('1.x') }, [
      template('1.0.0'),
    ]);
    expect(set.facts).toEqual({ 'template.recorded': true });
    expect(set.unknown?.['template.current']).toContain(
      'has no template.version of the form x.y.z (got "1.x")',
    );
  });

  it('a record the tree could not read (binary) is recorded, and current is unknown', async () => {
    const set = await collect(
      {
        '.platform/template.yaml': Buffer.from(
          `${record('1.0.0')}\0\0\0`,
          'utf8',
        ),
      },
      [template('1.0.0')],
    );
    expect(set.facts).toEqual({ 'template.recorded': true });
    expect(set.unknown?.['template.current']).toMatch(
      /could not be read \(binary\)/,
    );
  });

  it('without a source tree both facts are unknown with the reason', async () => {
    const set = await collect(undefined, [template('1.0.0')]);
    expect(set.facts).toEqual({});
    const reason = `source tree unavailable: ${unknownReasons.missingSourceLocation()}`;
    expect(set.unknown).toEqual({
      'template.recorded': reason,
      'template.current': reason,
    });
  });

  it('without a source tree and without a reason, says it had no readable tree', async () => {
    const set = await createTemplateFactCollector(
      new CatalogSnapshot([template('1.0.0')]),
    ).collect({ entity: template('1.0.0') });
    expect(set.unknown?.['template.recorded']).toBe(
      `source tree unavailable: ${unknownReasons.noSourceTree()}`,
    );
  });
});

describe('CatalogSnapshot.forEntity', () => {
  it("holds the catalog's Templates, so an on-demand refresh measures what a cycle measures", async () => {
    const catalog = catalogServiceMock({
      entities: [service, template('1.1.0')],
    });
    const credentials = mockCredentials.service();
    const files = { '.platform/template.yaml': record('1.0.0') };
    const sourceTree = createRepositoryTree({
      source: 'mem',
      files: [
        {
          path: '.platform/template.yaml',
          content: Buffer.from(files['.platform/template.yaml']),
        },
      ],
    });
    const measure = async (snapshot: CatalogSnapshot) =>
      (
        await createTemplateFactCollector(snapshot).collect({
          entity: service,
          sourceTree,
        })
      ).facts;
    const onDemand = await CatalogSnapshot.forEntity(
      catalog,
      'component:default/lesson-progress',
      credentials,
    );
    const cycle = await CatalogSnapshot.forAll(catalog, credentials);
    expect(
      onDemand!.get('template:default/cloud-native-service')?.metadata
        .annotations,
    ).toEqual({ 'cloud-native-portal/template-version': '1.1.0' });
    expect(await measure(onDemand!)).toEqual({
      'template.recorded': true,
      'template.current': false,
    });
    expect(await measure(onDemand!)).toEqual(await measure(cycle));
  });
});

describe('evaluateCheckout', () => {
  const tree = (version: string) =>
    createRepositoryTree({
      source: 'mem',
      files: [
        {
          path: '.platform/template.yaml',
          content: Buffer.from(record(version)),
        },
      ],
    });
  const verdict = async (version: string, catalogEntities: Entity[]) =>
    (
      await evaluateCheckout({
        model: DEFAULT_MATURITY_MODEL,
        tree: tree(version),
        component: service,
        catalogEntities,
        collectors: [],
      })
    ).results.find(r => r.checkId === 'delivery-template-current');

  it('measures delivery-template-current against the Templates among the catalog entities, as the portal does', async () => {
    expect((await verdict('1.1.0', [template('1.1.0')]))?.status).toBe('pass');
    expect((await verdict('1.0.0', [template('1.1.0')]))?.status).toBe('fail');
    const unknown = await verdict('1.0.0', []);
    expect(unknown?.status).toBe('unknown');
    expect(unknown?.reason).toContain('not a Template in the catalog');
  });
});
