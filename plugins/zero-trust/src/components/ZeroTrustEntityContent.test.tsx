import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { zeroTrustApiRef } from '../api/ZeroTrustApi';
import { postureFromFactSet } from '../api/posture';
import { component, failingFactSet } from '../__testUtils__/fixtures';
import { mockZeroTrustApi } from '../__testUtils__/mockApi';
import { ZeroTrustEntityContent } from './ZeroTrustEntityContent';

function render(api: ReturnType<typeof mockZeroTrustApi>) {
  return renderInTestApp(
    <EntityProvider entity={component('payments-gateway')}>
      <ZeroTrustEntityContent />
    </EntityProvider>,
    { apis: [[zeroTrustApiRef, api]] },
  );
}

// Rendering several material tables is slow on a loaded CI machine.
jest.setTimeout(30_000);

describe('ZeroTrustEntityContent', () => {
  it('lists every control with status, risk, evidence, reason and fix', async () => {
    const api = mockZeroTrustApi({
      getEntityPosture: jest.fn(async () => postureFromFactSet(failingFactSet)),
    });
    await render(api);
    expect(await screen.findByText('Strict mutual TLS')).toBeInTheDocument();
    // All 21 controls, including the passing and not-applicable ones.
    expect(screen.getByText('Security policy')).toBeInTheDocument();
    expect(screen.getByText('Default-deny network')).toBeInTheDocument();
    expect(screen.getAllByText('Pass')).toHaveLength(15);
    expect(screen.getAllByText('Fail')).toHaveLength(4);
    expect(screen.getByText('Unknown')).toBeInTheDocument();
    expect(screen.getByText('Not applicable')).toBeInTheDocument();
    expect(screen.getByText('no images are built')).toBeInTheDocument();
    expect(
      screen.getByText('no GitHub token: branch protection not checked'),
    ).toBeInTheDocument();
    expect(screen.getByText('Dockerfile:1')).toBeInTheDocument();
    expect(screen.getAllByText('Fix:')).toHaveLength(4);
  });

  it('says there is no history yet', async () => {
    await render(mockZeroTrustApi());
    expect(await screen.findByText('No history yet')).toBeInTheDocument();
  });

  it('summarizes the score history above the chart', async () => {
    const api = mockZeroTrustApi({
      getScoreHistory: jest.fn(async () => [
        { createdAt: '2026-11-01T00:00:00.000Z', score: 12.3 },
        { createdAt: '2026-11-20T00:00:00.000Z', score: 40.4 },
      ]),
    });
    await render(api);
    expect(
      await screen.findByText(
        /2 snapshots, 2026-11-01 to 2026-11-20; latest score 40.4/,
      ),
    ).toBeInTheDocument();
  });

  it('names the failing history request without hiding the controls', async () => {
    const api = mockZeroTrustApi({
      getEntityPosture: jest.fn(async () => postureFromFactSet(failingFactSet)),
      getScoreHistory: jest.fn(async () => {
        throw new Error(
          'GET /api/maturity/entity/component/default/payments-gateway/history?limit=200 failed: 500 boom',
        );
      }),
    });
    await render(api);
    expect(
      await screen.findByText(/Could not load the score history/),
    ).toBeInTheDocument();
    expect(screen.getByText(/history\?limit=200 failed: 500/)).toBeVisible();
    expect(screen.getByText('Strict mutual TLS')).toBeInTheDocument();
  });
});
