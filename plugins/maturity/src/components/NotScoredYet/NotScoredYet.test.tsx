import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ReactElement } from 'react';
import { maturityApiRef, MaturityRequestError } from '../../api';
import {
  mockMaturityApi,
  report,
  serviceEntity,
} from '../../__testUtils__/fixtures';
import { EntityMaturityCard } from '../EntityMaturityCard/EntityMaturityCard';
import { EntityMaturityContent } from '../EntityMaturityContent/EntityMaturityContent';

jest.setTimeout(20000);

// The machine running the tests may be busy.
const WAIT = { timeout: 5000 };

const REF = 'component:default/course-catalog-service';

/** The permission answer of the mock permission API: 'ALLOW' or 'DENY'. */
type Answer = Extract<
  NonNullable<Parameters<typeof mockApis.permission>[0]>['authorize'],
  string
>;
const ALLOW = 'ALLOW' as Answer;
const DENY = 'DENY' as Answer;
const notFound = () =>
  new MaturityRequestError(
    `GET /api/maturity/entity/component/default/course-catalog-service`,
    404,
    'Not Found: No maturity score for component:default/course-catalog-service yet',
  );

/** An entity with no score yet: GET answers 404 until it is refreshed. */
function unscoredApi(
  refreshEntity: (ref: string) => Promise<typeof report> = async () => report,
): ReturnType<typeof mockMaturityApi> {
  let scored = false;
  return mockMaturityApi({
    getEntityReport: jest.fn(async () => {
      if (!scored) throw notFound();
      return report;
    }),
    refreshEntity: jest.fn(async (ref: string) => {
      const result = await refreshEntity(ref);
      scored = true;
      return result;
    }),
    getHistory: jest.fn(async () => ({ entityRef: REF, items: [] })),
  });
}

function render(
  ui: ReactElement,
  api: ReturnType<typeof mockMaturityApi>,
  authorize: Answer,
  entity: Entity = serviceEntity,
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [maturityApiRef, api],
        [permissionApiRef, mockApis.permission({ authorize })],
      ]}
    >
      <EntityProvider entity={entity}>{ui}</EntityProvider>
    </TestApiProvider>,
  );
}

describe('an unscored component (GET answers 404)', () => {
  it('offers its owner "Score now" on the summary card, which shows the new scorecard', async () => {
    const api = unscoredApi();
    await render(<EntityMaturityCard />, api, ALLOW);
    expect(
      await screen.findByText('Not scored yet', {}, WAIT),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Try again in a minute/)).toBeNull();

    await userEvent.click(screen.getByRole('button', { name: 'Score now' }));
    expect(api.refreshEntity).toHaveBeenCalledWith(REF);
    expect(
      await screen.findByText('L2 Foundational', {}, WAIT),
    ).toBeInTheDocument();
    expect(screen.queryByText('Not scored yet')).toBeNull();
  });

  it('offers its owner "Score now" on the maturity tab, which shows the new scorecard', async () => {
    const api = unscoredApi();
    await render(<EntityMaturityContent />, api, ALLOW);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Score now' }, WAIT),
    );
    expect(api.refreshEntity).toHaveBeenCalledWith(REF);
    expect(
      await screen.findByText('Maturity scorecard', {}, WAIT),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Collected and evaluated just now.'),
    ).toBeInTheDocument();
  });

  it('tells a user without maturity.entity.refresh who can score it, with no button', async () => {
    // Another component than the other tests': permission answers are cached.
    const api = unscoredApi();
    await render(<EntityMaturityCard />, api, DENY, {
      ...serviceEntity,
      metadata: { name: 'lecture-notes-service', namespace: 'default' },
      spec: { ...serviceEntity.spec, owner: 'group:default/content-team' },
    });
    expect(
      await screen.findByText(
        'Members of content-team and portal admins can score it now.',
        {},
        WAIT,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Score now' })).toBeNull();
  });

  it('shows why "Score now" failed (403 from POST refresh) and keeps the button', async () => {
    const api = unscoredApi(
      jest.fn(async () => {
        throw new MaturityRequestError(
          `POST /api/maturity/entity/component/default/course-catalog-service/refresh`,
          403,
          'Forbidden: not allowed',
        );
      }),
    );
    await render(<EntityMaturityCard />, api, ALLOW);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Score now' }, WAIT),
    );
    expect(await screen.findByRole('alert', {}, WAIT)).toHaveTextContent(
      /refresh failed: 403/,
    );
    expect(
      screen.getByRole('button', { name: 'Score now' }),
    ).not.toBeDisabled();
  });
});
