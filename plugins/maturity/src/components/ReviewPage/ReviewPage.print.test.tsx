import { Sidebar, SidebarItem, SidebarPage } from '@backstage/core-components';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import HomeIcon from '@material-ui/icons/Home';
import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import { maturityApiRef } from '../../api';
import { mockMaturityApi, review } from '../../__testUtils__/fixtures';
import { ReviewPage } from './ReviewPage';

// The graph needs the catalog; printing does not depend on it.
jest.mock('@backstage/plugin-catalog-graph', () => ({
  EntityRelationsGraph: () => <div>graph</div>,
}));

/** The selectors the document's print rules hide (display: none). */
function hiddenInPrint(): string[] {
  const selectors: string[] = [];
  for (const sheet of Array.from(document.styleSheets)) {
    for (const rule of Array.from(sheet.cssRules)) {
      if (!(rule instanceof CSSMediaRule)) continue;
      if (!rule.media.mediaText.includes('print')) continue;
      for (const inner of Array.from(rule.cssRules)) {
        if (
          inner instanceof CSSStyleRule &&
          inner.style.getPropertyValue('display') === 'none'
        ) {
          selectors.push(...inner.selectorText.split(',').map(s => s.trim()));
        }
      }
    }
  }
  return selectors;
}

/** The print rule that hides the element or one of its ancestors, if any. */
function hiddenBy(element: Element, selectors: string[]) {
  return selectors.find(selector => element.closest(selector) !== null);
}

describe('the review page printed (print media)', () => {
  it('inside the portal layout with its sidebar, hides the sidebar and the controls, and keeps the review', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            maturityApiRef,
            mockMaturityApi({ getReview: jest.fn(async () => review) }),
          ],
          [
            catalogApiRef,
            catalogApiMock({
              entities: [
                {
                  apiVersion: 'backstage.io/v1alpha1',
                  kind: 'System',
                  metadata: { name: 'learning-platform', namespace: 'default' },
                },
              ],
            }),
          ],
        ]}
      >
        <SidebarPage>
          <Sidebar>
            <SidebarItem icon={HomeIcon} to="/catalog" text="Catalog" />
          </Sidebar>
          <Routes>
            <Route
              path="/maturity/review/:namespace/:name"
              element={<ReviewPage />}
            />
          </Routes>
        </SidebarPage>
      </TestApiProvider>,
      { routeEntries: ['/maturity/review/default/learning-platform'] },
    );
    const decomposition = await screen.findByText('Monolith decomposition');
    const selectors = hiddenInPrint();
    expect(selectors.length).toBeGreaterThan(0);

    // The portal's chrome and the page's controls are not printed...
    expect(
      hiddenBy(
        screen.getByRole('navigation', { name: 'sidebar nav' }),
        selectors,
      ),
    ).toBeDefined();
    expect(
      hiddenBy(screen.getByRole('button', { name: 'Print / PDF' }), selectors),
    ).toBeDefined();

    // ...and the review is: its title and every section.
    const printed = [
      screen.getByText('Architecture review: learning-platform'),
      decomposition,
      screen.getByText('Risks'),
      screen.getByText('Components by dimension'),
      screen.getByText('Top failing checks'),
      screen.getByText('Dependency graph'),
    ];
    for (const element of printed) {
      expect({
        text: element.textContent,
        hiddenBy: hiddenBy(element, selectors),
      }).toEqual({ text: element.textContent, hiddenBy: undefined });
    }
  });
});
