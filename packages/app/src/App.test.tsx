import { render, screen } from '@testing-library/react';
import App from './App';

function renderApp(appConfig: object = {}) {
  process.env = {
    NODE_ENV: 'test',
    APP_CONFIG: [
      {
        data: {
          app: { title: 'Cloud-Native Portal', ...appConfig },
          backend: { baseUrl: 'http://localhost:7007' },
        },
        context: 'test',
      },
    ] as any,
  };
  return render(App.createRoot());
}

describe('App', () => {
  it('starts on the sign-in page with guest sign-in', async () => {
    renderApp();
    expect(
      await screen.findByRole('button', { name: 'Enter' }, { timeout: 10000 }),
    ).toBeInTheDocument();
    expect(screen.queryByText('Sign in with your GitHub account')).toBeNull();
  });
});
