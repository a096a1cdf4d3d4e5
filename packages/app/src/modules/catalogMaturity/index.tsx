import {
  coreExtensionData,
  ExtensionBoundary,
} from '@backstage/frontend-plugin-api';
import {
  CatalogTable,
  CatalogTableColumnsFunc,
  CatalogTableRow,
} from '@backstage/plugin-catalog';
import catalogPlugin, {
  CatalogIndexPage,
} from '@backstage/plugin-catalog/alpha';
import { TableColumn } from '@backstage/core-components';
import {
  EntityMaturityLevel,
  MaturityLevelsProvider,
} from '@cloud-native-portal/plugin-maturity';

/** The overall maturity level of a scored entity, as a catalog column. */
export const maturityColumn: TableColumn<CatalogTableRow> = {
  title: 'Maturity',
  field: 'resolved.entityRef',
  sorting: false,
  cellStyle: { whiteSpace: 'nowrap' },
  render: row => <EntityMaturityLevel entityRef={row.resolved.entityRef} />,
};

/** Names, systems and owners wrap between words, never inside one. */
const WHOLE_WORDS = { wordBreak: 'normal', overflowWrap: 'normal' } as const;

/**
 * The catalog's own columns, with the maturity level after the owner when
 * the table lists Components (the kind the maturity engine scores). The
 * description, cut to a word or two at 1440 px, gives its room to the level
 * and to whole names; it stays in the entity's About card.
 */
export const catalogColumns: CatalogTableColumnsFunc = context => {
  const columns = CatalogTable.defaultColumnsFunc(context);
  // The kind of the rows shown, as the catalog's own columns decide it.
  const kind = (
    context.entities[0]?.kind ??
    context.filters.kind?.value ??
    ''
  ).toLocaleLowerCase('en-US');
  if (kind !== 'component') {
    return columns;
  }
  const shown = columns
    .filter(c => c.field !== 'entity.metadata.description')
    .map(c =>
      c.field === 'resolved.entityRef' ||
      c.field === 'resolved.partOfSystemRelationTitle' ||
      c.field === 'resolved.ownedByRelationsTitle'
        ? { ...c, cellStyle: { ...(c.cellStyle as object), ...WHOLE_WORDS } }
        : c,
    );
  const owner = shown.findIndex(
    c => c.field === 'resolved.ownedByRelationsTitle',
  );
  const at = owner === -1 ? shown.length : owner + 1;
  return [...shown.slice(0, at), maturityColumn, ...shown.slice(at)];
};

/**
 * The catalog index page with a maturity level column. The catalog plugin's
 * page (1.55) takes no columns through extensions, so this override keeps
 * its route, path and filters and renders the same page with the columns.
 */
export const catalogPageWithMaturity = catalogPlugin
  .getExtension('page:catalog')
  .override({
    factory(originalFactory, { node, inputs, config }) {
      const filters = inputs.filters.map(filter =>
        filter.get(coreExtensionData.reactElement),
      );
      const element = (
        <ExtensionBoundary node={node}>
          <MaturityLevelsProvider>
            <CatalogIndexPage
              filters={<>{filters}</>}
              pagination={config.pagination}
              columns={catalogColumns}
            />
          </MaturityLevelsProvider>
        </ExtensionBoundary>
      );
      return [...originalFactory()].map(output =>
        output.id === coreExtensionData.reactElement.id
          ? coreExtensionData.reactElement(element)
          : output,
      );
    },
  });

/** The catalog plugin with the maturity column in its table. */
export const catalogPluginWithMaturity = catalogPlugin.withOverrides({
  extensions: [catalogPageWithMaturity],
});
