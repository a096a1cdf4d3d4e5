import { CatalogTable } from '@backstage/plugin-catalog';
import { catalogColumns, maturityColumn } from '.';

type Context = Parameters<typeof CatalogTable.defaultColumnsFunc>[0];

const contextFor = (kind: string) =>
  ({
    filters: { kind: { value: kind, label: kind } },
    entities: [],
  } as unknown as Context);

describe('the catalog table columns', () => {
  it('adds the maturity level right after the owner when the table lists Components', () => {
    const fields = catalogColumns(contextFor('component')).map(c => c.field);
    const owner = fields.indexOf('resolved.ownedByRelationsTitle');
    expect(owner).toBeGreaterThan(-1);
    expect(catalogColumns(contextFor('component'))[owner + 1]).toBe(
      maturityColumn,
    );
    // The cut description gives its room to the level and whole names.
    expect(fields).not.toContain('entity.metadata.description');
  });

  it('leaves the tables of kinds the maturity engine does not score as they are', () => {
    const fields = (columns: Array<{ field?: string }>) =>
      columns.map(c => c.field);
    expect(fields(catalogColumns(contextFor('group')))).toEqual(
      fields(CatalogTable.defaultColumnsFunc(contextFor('group'))),
    );
    expect(catalogColumns(contextFor('group'))).not.toContain(maturityColumn);
  });
});
