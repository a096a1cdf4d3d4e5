jest.setTimeout(20000);

import { EntityProvider } from '@backstage/plugin-catalog-react';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  computeEntityScore,
  connectEvidenceStep,
  DEFAULT_MATURITY_MODEL,
  evaluateChecks,
  FactLookup,
  nextSteps,
  scoreCoverage,
  unknownReasons,
} from '@cloud-native-portal/plugin-maturity-common';
import { maturityApiRef } from '../api';
import type { EntityReport, Rollup } from '../api';
import { mockMaturityApi, serviceEntity } from '../__testUtils__/fixtures';
import { EntityMaturityCard } from './EntityMaturityCard';
import { ChecksByDimension } from './EntityMaturityContent/ChecksByDimension';
import { ScorecardsPage } from './ScorecardsPage';
import { DimensionLevelChip, EntityLevelChip } from './evidence';

const NO_SOURCE = unknownReasons.missingSourceLocation();

/**
 * The scorecard of a service registered with catalog-info.yaml only: no
 * source-location annotation, no toil register row. Scored by the real
 * model and scoring code, as the backend's report builds it.
 */
function reportWithoutSourceLocation(): EntityReport {
  const model = DEFAULT_MATURITY_MODEL;
  const lookup: FactLookup = name => {
    if (name.startsWith('repo.'))
      return { state: 'unknown', reason: NO_SOURCE };
    if (name.startsWith('ownership.codeowners')) {
      return {
        state: 'unknown',
        reason: `source tree unavailable: ${NO_SOURCE}`,
      };
    }
    if (name.startsWith('toil.') && name !== 'toil.registerExists') {
      return {
        state: 'unknown',
        reason: unknownReasons.noToilRecorded('component:default/shop'),
      };
    }
    if (name.startsWith('delivery.') || name.startsWith('incidents.')) {
      return { state: 'unknown', reason: 'no deployment or incident data' };
    }
    const known: Record<string, unknown> = {
      'catalog.type': 'service',
      'catalog.lifecycle': 'production',
      'toil.registerExists': false,
    };
    return {
      state: 'value',
      value: (known[name] ?? null) as any,
      evidence: [],
    };
  };
  const results = evaluateChecks(model, lookup);
  const score = computeEntityScore(model, results);
  const defs = new Map(model.checks.map(c => [c.id, c]));
  return {
    entityRef: 'component:default/course-catalog-service',
    level: score.level,
    levelName: 'Traditional',
    score: score.score,
    dimensions: score.dimensions.map(d => ({
      ...d,
      title: model.dimensions.find(m => m.id === d.dimension)!.title,
      levelName: d.level === null ? 'Not evaluated' : `Level ${d.level}`,
    })),
    checks: results.map(r => {
      const d = defs.get(r.checkId)!;
      return {
        ...r,
        title: d.title,
        dimension: d.dimension,
        level: d.level,
      };
    }),
    nextSteps: nextSteps(model, results, score, 3).map(s => ({
      ...s,
      status: s.status,
    })),
    coverage: scoreCoverage(model, results),
    connectEvidence: connectEvidenceStep(model, results),
    waivers: [],
  };
}

describe('an entity with no source-location annotation', () => {
  const report = reportWithoutSourceLocation();

  it('shows a dimension without evidence as "Not evaluated", not as a level-1 chip', async () => {
    await renderInTestApp(<ChecksByDimension report={report} />);
    const delivery = screen.getByRole('heading', { name: 'Delivery (GitOps)' })
      .parentElement!;
    expect(within(delivery).getByTestId('not-evaluated')).toHaveTextContent(
      'Not evaluated',
    );
    expect(within(delivery).queryByText(/^L1/)).toBeNull();
  });

  it('the card states its coverage and asks to connect the evidence, not to fix unmeasured checks', async () => {
    const api = mockMaturityApi({
      getEntityReport: jest.fn(async () => report),
    });
    await renderInTestApp(
      <TestApiProvider apis={[[maturityApiRef, api]]}>
        <EntityProvider entity={serviceEntity}>
          <EntityMaturityCard />
        </EntityProvider>
      </TestApiProvider>,
    );
    const { measured, total } = report.coverage!;
    expect(measured).toBeLessThan(total);
    expect(await screen.findByLabelText('coverage')).toHaveTextContent(
      `${measured} of ${total} checks measured`,
    );
    const connect = screen.getByRole('region', {
      name: 'Connect the evidence',
    });
    expect(
      within(connect).getByText(
        /Add the backstage\.io\/source-location annotation/,
      ),
    ).toBeInTheDocument();
    expect(
      within(connect).getByText(/operations work in the toil register/),
    ).toBeInTheDocument();
    // The recorded reason shows under a step that does not quote it, and is
    // not repeated under one that does.
    expect(
      within(connect).getByText(
        /Add the backstage\.io\/source-location annotation/,
      ).parentElement,
    ).toHaveTextContent(`recorded: ${NO_SOURCE}`);
    expect(
      within(connect).getByText(
        'Make the delivery evidence readable: no deployment or incident data.',
      ).parentElement,
    ).not.toHaveTextContent('recorded:');
    // "Add CI" reads repository files: it was not measured, so it is no step.
    expect(screen.queryByText(/A CI workflow builds and tests/)).toBeNull();
    const unknownTitles = report.checks
      .filter(c => c.status === 'unknown')
      .map(c => c.title);
    for (const step of report.nextSteps) {
      expect(unknownTitles).not.toContain(step.title);
    }
  });
});

describe('the scorecards heat map', () => {
  it('draws a team none of whose entities was evaluated on a dimension as not evaluated, not red', async () => {
    const rollups: Rollup[] = [
      {
        key: 'group:default/courses-team',
        entityCount: 2,
        notEvaluatedCount: 0,
        averageScore: 40,
        levels: { '1': 2 },
        // No delivery cell: neither entity had evidence for it.
        dimensions: {
          observability: { levels: { '2': 2 }, averageScore: 50 },
        },
      },
    ];
    const api = mockMaturityApi({
      getRollups: jest.fn(async () => ({ items: rollups, totalCount: 1 })),
      listEntities: jest.fn(async () => ({
        items: [
          {
            entityRef: 'component:default/course-catalog-service',
            kind: 'Component',
            title: 'Course catalog service',
            ownerRef: 'group:default/courses-team',
            level: 2,
            score: 50,
            dimensions: [
              {
                dimension: 'delivery',
                level: null,
                status: 'not-evaluated',
                score: null,
                blockingChecks: [],
              },
              {
                dimension: 'observability',
                level: 2,
                status: 'evaluated',
                score: 50,
                blockingChecks: [],
              },
            ],
          },
        ],
        totalCount: 1,
      })),
    });
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [maturityApiRef, api],
          [
            catalogApiRef,
            catalogApiMock({
              entities: [
                {
                  apiVersion: 'backstage.io/v1alpha1',
                  kind: 'Group',
                  metadata: { name: 'courses-team', namespace: 'default' },
                  spec: { type: 'team', children: [] },
                },
              ],
            }),
          ],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <ScorecardsPage />
      </TestApiProvider>,
    );
    const table = await screen.findByRole('table', {
      name: 'Teams by dimension',
    });
    const cell = await within(table).findByLabelText(
      'Delivery (GitOps): Not evaluated',
    );
    expect(cell).toHaveTextContent('n/e');
    expect(cell.style.backgroundColor).not.toBe('rgb(198, 40, 40)');

    await userEvent.click(
      within(table).getByRole('button', {
        name: 'Show entities of courses-team',
      }),
    );
    const entities = await screen.findAllByLabelText(
      'Delivery (GitOps): Not evaluated',
    );
    expect(entities).toHaveLength(2);
  });
});

describe('why a dimension is not evaluated', () => {
  const notEvaluated = {
    level: null,
    status: 'not-evaluated' as const,
  };

  it('says its checks do not apply when every one is not applicable, not that evidence is missing', async () => {
    await renderInTestApp(
      <DimensionLevelChip
        {...notEvaluated}
        measuredChecks={4}
        totalChecks={4}
      />,
    );
    expect(screen.getByTestId('not-evaluated')).toHaveAttribute(
      'title',
      'None of its checks applies to this entity.',
    );
  });

  it('asks for the evidence when none of its checks could be measured', async () => {
    await renderInTestApp(
      <DimensionLevelChip
        {...notEvaluated}
        measuredChecks={0}
        totalChecks={4}
      />,
    );
    expect(screen.getByTestId('not-evaluated')).toHaveAttribute(
      'title',
      'None of its checks could be measured: their evidence is not connected.',
    );
  });

  it('names both when some checks are unknown and the others do not apply', async () => {
    await renderInTestApp(
      <DimensionLevelChip
        {...notEvaluated}
        measuredChecks={1}
        totalChecks={4}
      />,
    );
    expect(screen.getByTestId('not-evaluated')).toHaveAttribute(
      'title',
      '3 of its 4 checks could not be measured (their evidence is not connected), and the other one does not apply.',
    );
  });

  it('shows an entity none of whose dimensions was evaluated as not evaluated, not as level 1', async () => {
    await renderInTestApp(
      <EntityLevelChip
        level={1}
        name="Traditional"
        dimensions={[notEvaluated, notEvaluated]}
      />,
    );
    expect(screen.getByText('Not evaluated')).toBeInTheDocument();
    expect(screen.queryByText(/^L1/)).not.toBeInTheDocument();
  });

  it('keeps the level of an entity with one evaluated dimension', async () => {
    await renderInTestApp(
      <EntityLevelChip
        level={1}
        name="Traditional"
        dimensions={[notEvaluated, { level: 1, status: 'evaluated' as const }]}
      />,
    );
    expect(screen.getByText('L1 Traditional')).toBeInTheDocument();
  });
});
