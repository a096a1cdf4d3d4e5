import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { zeroTrustApiRef } from '../api/ZeroTrustApi';
import { postureFromFactSet } from '../api/posture';
import { component, factSet } from '../__testUtils__/fixtures';
import { mockZeroTrustApi } from '../__testUtils__/mockApi';
import { ZeroTrustEntityContent } from './ZeroTrustEntityContent';
import { ZeroTrustPage } from './ZeroTrustPage';
import { ZeroTrustPostureCard } from './ZeroTrustPostureCard';
import { connectSourceAdvice } from './ConnectSource';

const NO_SOURCE = 'missing annotation backstage.io/source-location';

/** What the scanner stores for a service registered without a source location. */
function unreadableFactSet(reason: string) {
  return { ...factSet(), status: 'unknown' as const, reason, facts: {} };
}

function renderOn(
  ui: JSX.Element,
  api: ReturnType<typeof mockZeroTrustApi>,
  entity = component('catalog-only-service'),
) {
  return renderInTestApp(
    <EntityProvider entity={entity}>{ui}</EntityProvider>,
    {
      apis: [[zeroTrustApiRef, api]],
    },
  );
}

describe('a service with no source-location annotation', () => {
  it('the posture card says why it is empty and how to connect the source, instead of listing every control as unknown', async () => {
    const api = mockZeroTrustApi({
      getEntityPosture: jest.fn(async () =>
        postureFromFactSet(unreadableFactSet(NO_SOURCE)),
      ),
    });
    await renderOn(<ZeroTrustPostureCard />, api);
    const region = await screen.findByRole('region', {
      name: 'Connect the source',
    });
    expect(
      within(region).getByText(
        /has no backstage\.io\/source-location annotation/,
      ),
    ).toBeInTheDocument();
    expect(
      within(region).getByText(/url:https:\/\/github\.com\/<org>\/<repo>/),
    ).toBeInTheDocument();
    expect(screen.queryByText('Could not be judged')).toBeNull();
  });

  it('the posture card of a never-scanned service without the annotation tells how to connect it', async () => {
    await renderOn(<ZeroTrustPostureCard />, mockZeroTrustApi());
    expect(await screen.findByText('Not scanned yet')).toBeInTheDocument();
    expect(
      screen.getByText(/has no backstage\.io\/source-location annotation/),
    ).toBeInTheDocument();
  });

  it('the zero-trust tab explains the empty posture', async () => {
    const api = mockZeroTrustApi({
      getEntityPosture: jest.fn(async () =>
        postureFromFactSet(unreadableFactSet(NO_SOURCE)),
      ),
    });
    await renderOn(<ZeroTrustEntityContent />, api);
    expect(
      await screen.findByRole('region', { name: 'Connect the source' }),
    ).toBeInTheDocument();
  });

  it('a source location on a host without an integration asks for the integration', async () => {
    const entity = component('github-service');
    entity.metadata.annotations = {
      'backstage.io/source-location': 'url:https://github.com/acme/shop/',
    };
    const api = mockZeroTrustApi({
      getEntityPosture: jest.fn(async () =>
        postureFromFactSet(
          unreadableFactSet('getaddrinfo ENOTFOUND api.github.com'),
        ),
      ),
    });
    await renderOn(<ZeroTrustPostureCard />, api, entity);
    const region = await screen.findByRole('region', {
      name: 'Connect the source',
    });
    expect(
      within(region).getByText(/integrations\.github/),
    ).toBeInTheDocument();
  });
});

describe('connectSourceAdvice', () => {
  const annotated = (location: string) => {
    const entity = component('shop');
    entity.metadata.annotations = {
      'backstage.io/source-location': location,
    };
    return entity;
  };

  it('says a present but unusable annotation is to be corrected, with what is wrong, not that it is missing', () => {
    const reason =
      'unsupported backstage.io/source-location scheme "https:" in "https://github.com/acme/shop"; use dir: or url:';
    const advice = connectSourceAdvice(
      annotated('https://github.com/acme/shop'),
      reason,
    );
    expect(advice.why).toContain(reason);
    expect(advice.why).not.toMatch(/has no backstage\.io\/source-location/);
    expect(advice.how).toMatch(
      /^Correct the backstage\.io\/source-location annotation/,
    );
  });

  it('does not take a path with "token" in it for a missing integration', () => {
    const advice = connectSourceAdvice(
      annotated('dir:/srv/checkouts/token-service'),
      'source tree directory /srv/checkouts/token-service does not exist',
    );
    expect(advice.how).not.toMatch(/integrations\.github/);
  });
});

describe('the zero-trust page of a catalog with no scanned service', () => {
  it('explains that services need a source location to be scanned', async () => {
    const api = mockZeroTrustApi();
    await renderInTestApp(<ZeroTrustPage />, {
      apis: [[zeroTrustApiRef, api]],
    });
    expect(
      await screen.findByText('No team has a scanned service yet'),
    ).toBeInTheDocument();
    expect(
      (
        await screen.findAllByText(
          /without the backstage\.io\/source-location annotation/,
        )
      ).length,
    ).toBeGreaterThan(0);
  });
});
