import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { zeroTrustApiRef } from '../api/ZeroTrustApi';
import { postureFromFactSet } from '../api/posture';
import { ZeroTrustRequestError } from '../api/ZeroTrustClient';
import { component, factSet, failingFactSet } from '../__testUtils__/fixtures';
import { mockZeroTrustApi } from '../__testUtils__/mockApi';
import { ZeroTrustPostureCard } from './ZeroTrustPostureCard';

function render(api: ReturnType<typeof mockZeroTrustApi>, name: string) {
  return renderInTestApp(
    <EntityProvider entity={component(name)}>
      <ZeroTrustPostureCard />
    </EntityProvider>,
    { apis: [[zeroTrustApiRef, api]] },
  );
}

describe('ZeroTrustPostureCard', () => {
  it('shows grade A, the score and that nothing fails', async () => {
    const api = mockZeroTrustApi({
      getEntityPosture: jest.fn(async () => postureFromFactSet(factSet())),
    });
    await render(api, 'course-catalog-service');
    expect(await screen.findByRole('img', { name: 'Grade A' })).toBeVisible();
    expect(screen.getByText('Score 100 / 100')).toBeInTheDocument();
    expect(screen.getByText('No failing controls.')).toBeInTheDocument();
    expect(api.getEntityPosture).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'course-catalog-service',
    });
  });

  it('never prints "capped at C" next to an F: a cap shows only when it lowers the grade', async () => {
    const api = mockZeroTrustApi({
      getEntityPosture: jest.fn(async () => postureFromFactSet(failingFactSet)),
    });
    await render(api, 'payments-gateway');
    expect(await screen.findByRole('img', { name: 'Grade F' })).toBeVisible();
    expect(screen.getByText('2 Critical failures')).toBeInTheDocument();
    expect(screen.queryByText(/capped/)).toBeNull();
  });

  it('says a Critical failure capped a B-scoring service at C', async () => {
    const api = mockZeroTrustApi({
      getEntityPosture: jest.fn(async () =>
        postureFromFactSet(
          factSet(
            { 'no-plaintext-secrets': { status: 'fail' } },
            { score: 85, grade: 'C', critical: 1 },
          ),
        ),
      ),
    });
    await render(api, 'course-catalog-service');
    expect(await screen.findByRole('img', { name: 'Grade C' })).toBeVisible();
    expect(
      screen.getByText(
        '1 Critical failure: grade capped at C (the score alone earns B)',
      ),
    ).toBeInTheDocument();
  });

  it('lists failing controls first with risk, evidence, reason and fix', async () => {
    const api = mockZeroTrustApi({
      getEntityPosture: jest.fn(async () => postureFromFactSet(failingFactSet)),
    });
    await render(api, 'payments-gateway');
    expect(await screen.findByRole('img', { name: 'Grade F' })).toBeVisible();
    expect(screen.getByText(/2 Critical failures/)).toBeInTheDocument();

    const failing = screen.getAllByTestId(/^failing-/);
    expect(failing.map(f => f.dataset.testid)).toEqual([
      'failing-mtls-strict',
      'failing-no-plaintext-secrets',
      'failing-run-as-non-root',
      'failing-security-policy',
    ]);
    const secrets = within(failing[1]);
    expect(secrets.getByText('Critical')).toBeInTheDocument();
    expect(secrets.getByText('k8s/secret.yaml:3')).toBeInTheDocument();
    expect(
      secrets.getByText('a Secret with data is committed'),
    ).toBeInTheDocument();
    expect(
      secrets.getByText(/Remove the secret from git, rotate it/),
    ).toBeInTheDocument();
    // Unknown controls are named with their reason, not as failures.
    expect(
      screen.getByText(
        'Code owners and required review: no GitHub token: branch protection not checked',
      ),
    ).toBeInTheDocument();
  });

  it('a failing Critical control (plaintext secret) shows the manifest that fixes it', async () => {
    const api = mockZeroTrustApi({
      getEntityPosture: jest.fn(async () => postureFromFactSet(failingFactSet)),
    });
    await render(api, 'payments-gateway');
    const secrets = within(
      await screen.findByTestId('failing-no-plaintext-secrets'),
    );
    expect(
      secrets.getByText('Show the fix for k8s/external-secret.yaml'),
    ).toBeInTheDocument();
    expect(
      secrets.getByLabelText('Fix for k8s/external-secret.yaml').textContent,
    ).toContain('kind: ExternalSecret');
    // Low risk, no snippet: the one-line fix is all there is.
    expect(
      within(screen.getByTestId('failing-security-policy')).queryByText(
        /^Show the fix/,
      ),
    ).toBeNull();
  });

  it('compact, on the overview: keeps the grade, the score and the failing controls by title, and links to the Zero trust tab instead of listing evidence', async () => {
    const api = mockZeroTrustApi({
      getEntityPosture: jest.fn(async () => postureFromFactSet(failingFactSet)),
    });
    await renderInTestApp(
      <EntityProvider entity={component('payments-gateway')}>
        <ZeroTrustPostureCard compact />
      </EntityProvider>,
      {
        apis: [[zeroTrustApiRef, api]],
        initialRouteEntries: ['/catalog/default/component/payments-gateway'],
      },
    );
    expect(await screen.findByRole('img', { name: 'Grade F' })).toBeVisible();
    expect(screen.getByText(/2 Critical failures/)).toBeInTheDocument();
    expect(screen.getByLabelText('failing controls')).toHaveTextContent(
      /No plaintext secrets/,
    );
    expect(screen.queryByText('k8s/secret.yaml:3')).not.toBeInTheDocument();
    expect(screen.queryByText(/Show the fix for/)).not.toBeInTheDocument();
    expect(
      screen.getByRole('link', {
        name: 'Evidence and fixes on the Zero trust tab',
      }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/payments-gateway/zero-trust',
    );
  });

  it('says when the entity has not been scanned', async () => {
    await render(mockZeroTrustApi(), 'new-service');
    expect(await screen.findByText('Not scanned yet')).toBeInTheDocument();
  });

  it('names the failing request in the error', async () => {
    const api = mockZeroTrustApi({
      getEntityPosture: jest.fn(async () => {
        throw new ZeroTrustRequestError(
          'GET /api/maturity/entity/component/default/x/facts',
          503,
          '503 Service Unavailable',
        );
      }),
    });
    await render(api, 'x');
    expect(
      await screen.findByText(/Could not load the zero-trust posture/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /GET \/api\/maturity\/entity\/component\/default\/x\/facts failed: 503/,
      ),
    ).toBeInTheDocument();
  });
});
