import { screen } from '@testing-library/react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import {
  configApiRef,
  discoveryApiRef,
  githubAuthApiRef,
} from '@backstage/core-plugin-api';
import { PortalSignInPage } from './index';

// No existing GitHub session: the page must offer the GitHub button.
const githubAuthApi = {
  getBackstageIdentity: async () => undefined,
  getProfile: async () => undefined,
  getAccessToken: async () => '',
  signIn: async () => {},
  signOut: async () => {},
};

describe('PortalSignInPage', () => {
  it('offers the GitHub sign-in when app.signIn.providers lists github', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            configApiRef,
            mockApis.config({
              data: {
                app: { title: 'Portal', signIn: { providers: ['github'] } },
              },
            }),
          ],
          [githubAuthApiRef, githubAuthApi],
          [discoveryApiRef, mockApis.discovery()],
        ]}
      >
        <PortalSignInPage onSignInSuccess={() => {}} />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText('Sign in with your GitHub account'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Enter' })).toBeNull();
  });

  it('offers guest sign-in when nothing is configured', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            configApiRef,
            mockApis.config({
              data: {
                app: { title: 'Portal' },
                backend: { baseUrl: 'http://localhost:7007' },
              },
            }),
          ],
          [githubAuthApiRef, githubAuthApi],
          [discoveryApiRef, mockApis.discovery()],
        ]}
      >
        <PortalSignInPage onSignInSuccess={() => {}} />
      </TestApiProvider>,
    );
    expect(
      await screen.findByRole('button', { name: 'Enter' }),
    ).toBeInTheDocument();
    expect(screen.queryByText('Sign in with your GitHub account')).toBeNull();
  });
});
