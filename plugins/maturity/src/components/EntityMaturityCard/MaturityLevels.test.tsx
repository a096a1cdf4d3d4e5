import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { maturityApiRef } from '../../api';
import { mockMaturityApi } from '../../__testUtils__/fixtures';
import { EntityMaturityLevel, MaturityLevelsProvider } from './MaturityLevels';

describe('EntityMaturityLevel', () => {
  it('shows each listed entity its level from one paged load, "not scored yet" for an unscored one, and "not evaluated" for one of which nothing could be measured', async () => {
    const listEntities = jest.fn(async (_filters, paging) => ({
      items:
        paging.offset === 0
          ? [
              {
                entityRef: 'component:default/enrolment-service',
                level: 3,
                dimensions: [
                  { dimension: 'delivery', level: 3, status: 'evaluated' },
                ],
              },
              {
                entityRef: 'component:default/dark-service',
                level: 1,
                dimensions: [
                  {
                    dimension: 'delivery',
                    level: null,
                    status: 'not-evaluated',
                  },
                ],
              },
            ]
          : [],
      totalCount: 2,
      limit: 500,
      offset: paging.offset,
    }));
    await renderInTestApp(
      <TestApiProvider
        apis={[[maturityApiRef, mockMaturityApi({ listEntities })]]}
      >
        <MaturityLevelsProvider>
          <EntityMaturityLevel entityRef="component:default/enrolment-service" />
          <EntityMaturityLevel entityRef="component:default/new-service" />
          <EntityMaturityLevel entityRef="component:default/dark-service" />
        </MaturityLevelsProvider>
      </TestApiProvider>,
    );
    expect(await screen.findByText('L3')).toBeInTheDocument();
    expect(screen.getByTitle('Level 3: Cloud-native')).toBeInTheDocument();
    expect(screen.getByText('not scored yet')).toBeInTheDocument();
    expect(screen.getByText('not evaluated')).toBeInTheDocument();
    expect(screen.getAllByText(/^L\d/)).toHaveLength(1);
    expect(listEntities).toHaveBeenCalledTimes(1);
  });
});
