jest.setTimeout(20000);

import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { maturityApiRef, MaturityRequestError } from '../../api';
import type {
  FailingCheck,
  FleetCandidates,
  FleetRun,
  FleetRunItem,
} from '../../api';
import { mockMaturityApi } from '../../__testUtils__/fixtures';
import { FailingChecksTable } from '../ScorecardsPage/Charts';

const check: FailingCheck = {
  checkId: 'scale-pdb',
  title: 'A PodDisruptionBudget protects capacity',
  dimension: 'scalability',
  level: 4,
  blocking: 3,
  failing: 3,
  unknown: 0,
};

const candidates: FleetCandidates = {
  checkId: 'scale-pdb',
  checkTitle: 'A PodDisruptionBudget protects capacity',
  fixTemplate: { ref: 'template:default/add-pdb' },
  items: [
    {
      entityRef: 'component:default/course-catalog-service',
      owner: 'group:default/courses-team',
      result: 'fail',
      state: 'not-started',
    },
    {
      entityRef: 'component:default/payments-service',
      owner: 'group:default/payments-team',
      result: 'fail',
      state: 'failed',
      reason: 'the repository could not be read',
    },
    {
      entityRef: 'component:default/search-service',
      owner: 'group:default/search-guild',
      result: 'pass',
      state: 'check-passing',
    },
    {
      entityRef: 'component:default/legacy-billing',
      owner: 'group:default/payments-team',
      result: 'waived',
      state: 'waived',
      reason: 'retired in Q1',
    },
    {
      entityRef: 'component:default/video-service',
      owner: 'group:default/media-team',
      result: 'fail',
      state: 'pr-open',
      pullRequestUrl: 'https://github.com/example/video-service/pull/4',
    },
  ],
};

function fleetRun(
  overrides: Partial<FleetRun> & { items?: FleetRunItem[] },
): FleetRun {
  return {
    id: '0b7c4d1e-6f3a-4e5b-9c2d-1a2b3c4d5e6f',
    checkId: 'scale-pdb',
    templateRef: 'template:default/add-pdb',
    preview: false,
    createdBy: 'user:default/guest',
    createdAt: '2026-12-06T10:00:00.000Z',
    status: 'running',
    counts: { total: 2, done: 0 },
    items: [],
    ...overrides,
  };
}

const selectedRefs = [
  'component:default/course-catalog-service',
  'component:default/payments-service',
];

async function renderTable(
  api: ReturnType<typeof mockMaturityApi>,
  permission = mockApis.permission(),
  fixable: ReadonlySet<string> = new Set(['scale-pdb']),
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [maturityApiRef, api],
        [permissionApiRef, permission],
      ]}
    >
      <FailingChecksTable
        items={[check]}
        dimensionTitle={id => id ?? '-'}
        fixableChecks={fixable}
      />
    </TestApiProvider>,
  );
}

async function openDialog() {
  await userEvent.click(
    await screen.findByRole('button', { name: 'Fix across services' }),
  );
  const dialog = await screen.findByRole('dialog', {
    name: 'Fix pull requests: A PodDisruptionBudget protects capacity',
  });
  await within(dialog).findByRole('table', {
    name: 'Services failing this check',
  });
  return dialog;
}

function fleetApi(overrides: Parameters<typeof mockMaturityApi>[0] = {}) {
  return mockMaturityApi({
    getFleetCandidates: jest.fn(async () => candidates),
    listFleetRuns: jest.fn(async () => ({ items: [] })),
    ...overrides,
  });
}

// Whether "Fix across services" is hidden without the permission is tested
// in FleetFixButton.test.tsx: usePermission keeps its answers in a cache that
// lives as long as the test file, so a denial here would leak into the next
// tests.
describe('Fix across services', () => {
  it('preselects the failing services without a fix under way and leaves passing and waived ones unselectable', async () => {
    await renderTable(fleetApi());
    const dialog = await openDialog();
    const box = (name: string) =>
      within(dialog).getByRole('checkbox', { name: `select ${name}` });
    expect(box('course-catalog-service')).toBeChecked();
    expect(box('payments-service')).toBeChecked();
    expect(box('video-service')).not.toBeChecked();
    expect(box('search-service')).toBeDisabled();
    expect(box('legacy-billing')).toBeDisabled();
    expect(
      within(dialog).getByRole('button', { name: 'Open 2 pull requests' }),
    ).toBeEnabled();
    expect(
      within(dialog).getByText(/nothing is merged automatically/),
    ).toBeInTheDocument();
  });

  it('says where each fix would go, and leaves a service whose repository is a folder (preview only) unselected, with why', async () => {
    const folder =
      'the repository is a folder the portal reads, not a git repository it can branch';
    await renderTable(
      fleetApi({
        getFleetCandidates: jest.fn(async () => ({
          ...candidates,
          items: [
            { ...candidates.items[0], destination: 'local' as const },
            {
              ...candidates.items[1],
              destination: 'none' as const,
              destinationNote: folder,
            },
          ],
        })),
      }),
    );
    const dialog = await openDialog();
    const box = (name: string) =>
      within(dialog).getByRole('checkbox', { name: `select ${name}` });
    expect(box('course-catalog-service')).toBeChecked();
    expect(box('payments-service')).not.toBeChecked();
    expect(box('payments-service')).toBeEnabled();
    expect(within(dialog).getByText('Local branch')).toBeInTheDocument();
    expect(within(dialog).getByText('Preview only')).toBeInTheDocument();
    expect(within(dialog).getByText(folder)).toBeInTheDocument();
  });

  it('"select all failing" takes every failing service but no passing or waived one', async () => {
    const api = fleetApi({
      createFleetRun: jest.fn(async () =>
        fleetRun({ status: 'completed', counts: { total: 3, done: 3 } }),
      ),
    });
    await renderTable(api);
    const dialog = await openDialog();
    await userEvent.click(
      within(dialog).getByRole('checkbox', { name: 'select all failing' }),
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Open 3 pull requests' }),
    );
    expect(api.createFleetRun).toHaveBeenCalledWith({
      checkId: 'scale-pdb',
      entityRefs: [...selectedRefs, 'component:default/video-service'],
      preview: false,
    });
  });

  it('disables both actions with nothing selected', async () => {
    await renderTable(fleetApi());
    const dialog = await openDialog();
    // All failing are selected after the first click: the second clears them.
    const all = within(dialog).getByRole('checkbox', {
      name: 'select all failing',
    });
    await userEvent.click(all);
    await userEvent.click(all);
    expect(
      within(dialog).getByRole('button', { name: 'Preview changes' }),
    ).toBeDisabled();
    expect(
      within(dialog).getByRole('button', { name: 'Open 0 pull requests' }),
    ).toBeDisabled();
  });

  it('previews the change of each selected service and shows its diff', async () => {
    const diff =
      '--- a/deploy/pdb.yaml\n+++ b/deploy/pdb.yaml\n@@ -0,0 +1,3 @@\n+kind: PodDisruptionBudget\n';
    const api = fleetApi({
      createFleetRun: jest.fn(async () =>
        fleetRun({
          preview: true,
          status: 'completed',
          counts: { total: 2, done: 2, previewed: 1, unchanged: 1 },
          items: [
            {
              entityRef: selectedRefs[0],
              status: 'previewed',
              branch: 'fix/scale-pdb',
              diff,
            },
            {
              entityRef: selectedRefs[1],
              status: 'unchanged',
              reason: 'the change is there already',
            },
          ],
        }),
      ),
    });
    await renderTable(api);
    const dialog = await openDialog();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Preview changes' }),
    );
    expect(api.createFleetRun).toHaveBeenCalledWith({
      checkId: 'scale-pdb',
      entityRefs: selectedRefs,
      preview: true,
    });
    const results = await within(dialog).findByRole('table', {
      name: 'Fix results',
    });
    expect(within(results).getByText('previewed')).toBeInTheDocument();
    expect(
      within(results).getByText('the change is there already'),
    ).toBeInTheDocument();
    await userEvent.click(
      within(results).getByRole('button', { name: 'Show diff' }),
    );
    const shown = await within(results).findByLabelText(
      'Diff for course-catalog-service',
    );
    expect(shown.tagName).toBe('PRE');
    expect(shown.textContent).toBe(diff);
    // The reviewer's selection stays for opening the pull requests.
    expect(
      within(dialog).getByRole('button', { name: 'Open 2 pull requests' }),
    ).toBeEnabled();
  });

  it("opening pull requests shows the progress, then each repository's result with a failed one's reason, and reads the services again", async () => {
    const running = fleetRun({ counts: { total: 2, done: 0 } });
    const answers = [
      fleetRun({
        counts: { total: 2, done: 1, opened: 1 },
        items: [
          {
            entityRef: selectedRefs[0],
            status: 'opened',
            pullRequestUrl:
              'https://github.com/example/course-catalog-service/pull/7',
            branch: 'fix/scale-pdb',
          },
          { entityRef: selectedRefs[1], status: 'running' },
        ],
      }),
      fleetRun({
        status: 'completed',
        counts: { total: 2, done: 2, opened: 1, failed: 1 },
        items: [
          {
            entityRef: selectedRefs[0],
            status: 'opened',
            pullRequestUrl:
              'https://github.com/example/course-catalog-service/pull/7',
            branch: 'fix/scale-pdb',
          },
          {
            entityRef: selectedRefs[1],
            status: 'failed',
            reason: 'no workload manifests under deploy/',
          },
        ],
      }),
    ];
    const api = fleetApi({
      createFleetRun: jest.fn(async () => running),
      getFleetRun: jest.fn(async () => answers.shift() ?? answers[0]),
    });
    await renderTable(api);
    const dialog = await openDialog();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Open 2 pull requests' }),
    );
    expect(api.createFleetRun).toHaveBeenCalledWith({
      checkId: 'scale-pdb',
      entityRefs: selectedRefs,
      preview: false,
    });
    expect(
      await within(dialog).findByText(/0 of 2 repositories/),
    ).toBeInTheDocument();
    expect(
      await within(dialog).findByText(/1 of 2 repositories/, undefined, {
        timeout: 5000,
      }),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByRole('button', { name: 'Preview changes' }),
    ).toBeDisabled();

    const results = await within(dialog).findByRole(
      'table',
      { name: 'Fix results' },
      { timeout: 5000 },
    );
    const failedRow = within(results)
      .getAllByRole('row')
      .find(r => within(r).queryByText('failed'))!;
    expect(
      within(failedRow).getByText('no workload manifests under deploy/'),
    ).toBeInTheDocument();
    expect(within(results).getByText('opened')).toBeInTheDocument();
    expect(
      within(results).getByRole('link', { name: /fix\/scale-pdb/ }),
    ).toHaveAttribute(
      'href',
      'https://github.com/example/course-catalog-service/pull/7',
    );
    expect(api.getFleetRun).toHaveBeenCalledWith(running.id);
    await waitFor(() =>
      expect(api.getFleetCandidates).toHaveBeenCalledTimes(2),
    );
    await waitFor(() => expect(api.listFleetRuns).toHaveBeenCalledTimes(2));
  });

  it('shows the branch of a local repository instead of a link it cannot open', async () => {
    const api = fleetApi({
      createFleetRun: jest.fn(async () =>
        fleetRun({
          status: 'completed',
          counts: { total: 1, done: 1, opened: 1 },
          items: [
            {
              entityRef: selectedRefs[0],
              status: 'opened',
              where: 'local',
              pullRequestUrl: 'file:///srv/repos/course-catalog-service',
              branch: 'fix/scale-pdb',
            },
          ],
        }),
      ),
    });
    await renderTable(api);
    const dialog = await openDialog();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Open 2 pull requests' }),
    );
    const results = await within(dialog).findByRole('table', {
      name: 'Fix results',
    });
    expect(within(results).getByText('fix/scale-pdb').tagName).toBe('CODE');
    expect(
      within(results).queryByRole('link', { name: /fix\/scale-pdb/ }),
    ).toBeNull();
  });

  it("shows the server's message when starting a run is refused", async () => {
    const api = fleetApi({
      createFleetRun: jest.fn(async () => {
        throw new MaturityRequestError(
          'POST /api/maturity/fleet/runs',
          403,
          'Forbidden: not allowed to maturity.fleet.fix',
        );
      }),
    });
    await renderTable(api);
    const dialog = await openDialog();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Open 2 pull requests' }),
    );
    expect(
      await within(dialog).findByText(
        /not allowed to open fix pull requests.*403 Forbidden: not allowed to maturity\.fleet\.fix/,
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByRole('button', { name: 'Open 2 pull requests' }),
    ).toBeEnabled();
  });

  it("lists the check's recent fleet actions: when, who, what and how they went", async () => {
    const api = fleetApi({
      listFleetRuns: jest.fn(async () => ({
        items: [
          fleetRun({
            status: 'completed',
            createdBy: 'user:default/platform-admin',
            counts: { total: 5, done: 5, opened: 3, reused: 1, failed: 1 },
          }),
        ],
      })),
    });
    await renderTable(api);
    const dialog = await openDialog();
    expect(api.listFleetRuns).toHaveBeenCalledWith({
      checkId: 'scale-pdb',
      limit: 20,
    });
    await userEvent.click(
      within(dialog).getByRole('button', { name: /Recent fleet actions/ }),
    );
    const audit = await within(dialog).findByRole('table', {
      name: 'Fleet audit',
    });
    expect(within(audit).getByText('platform-admin')).toBeInTheDocument();
    expect(within(audit).getByText('Pull requests')).toBeInTheDocument();
    expect(
      within(audit).getByText('5 of 5 done: opened 3, reused 1, failed 1'),
    ).toBeInTheDocument();
  });
});
