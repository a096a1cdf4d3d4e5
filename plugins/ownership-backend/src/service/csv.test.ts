import { Entity } from '@backstage/catalog-model';
import { CatalogSnapshot } from '@cloud-native-portal/plugin-maturity-node';
import Papa from 'papaparse';
import { computeOwnershipReport } from './computeOwnership';
import { coverageToCsv } from './csv';

const noTree = async () => ({ error: 'no source location' });

function component(name: string, title: string, owner: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', title },
    spec: { type: 'service', lifecycle: 'production', owner },
  };
}

function group(name: string, title: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default', title },
    spec: { type: 'team', children: [] },
    relations: [{ type: 'hasMember', targetRef: 'user:default/jane' }],
  };
}

const jane: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'jane', namespace: 'default' },
  spec: { memberOf: ['team'] },
};

async function csvRows(entities: Entity[]) {
  const snapshot = new CatalogSnapshot([jane, ...entities]);
  const report = await computeOwnershipReport(snapshot, {
    openTree: noTree,
  });
  return Papa.parse<Record<string, string>>(coverageToCsv(report), {
    header: true,
  }).data;
}

describe('coverageToCsv', () => {
  // Each title is catalog text a spreadsheet would otherwise run.
  const formulas = [
    '=HYPERLINK("http://x","y")',
    '+1+cmd|" /C calc"!A0',
    '-2+3',
    '@SUM(1,2)',
    '\t=1+1',
    '\r=1+1',
    '=HYPERLINK("http://x","y")\nsecond line',
  ];

  it.each(formulas)(
    'prefixes an entity title starting %j with a quote',
    async title => {
      const rows = await csvRows([
        group('team', 'Team'),
        component('svc', title, 'team'),
      ]);
      const row = rows.find(r => r.ref === 'component:default/svc')!;
      expect(row.title).toBe(`'${title}`);
    },
  );

  it('prefixes a group title and a raw owner starting "=" with a quote', async () => {
    const rows = await csvRows([
      group('team', '=HYPERLINK("http://x","y")'),
      component('svc', 'Service', 'team'),
      component('orphan', 'Orphan', '=cmd'),
    ]);
    expect(rows.find(r => r.ref === 'group:default/team')!.title).toBe(
      `'=HYPERLINK("http://x","y")`,
    );
    expect(rows.find(r => r.ref === 'component:default/orphan')!.owner).toBe(
      "'=cmd",
    );
  });

  it('leaves plain text and numbers as they are', async () => {
    const rows = await csvRows([
      group('team', 'Team'),
      component('svc', 'Enrolment - v2', 'team'),
    ]);
    const row = rows.find(r => r.ref === 'component:default/svc')!;
    expect(row.title).toBe('Enrolment - v2');
    expect(row.members).toBe('1');
    expect(rows.find(r => r.section === 'summary')!.percentage).toBe('100');
  });
});
