import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { toilPageRouteRef } from '../routes';
import { toilApi } from './apis';
import { toilEntityCard, toilTeamCard } from './entityCards';
import { toilEntityContent, toilTeamContent } from './entityContent';
import { toilPage } from './pages';

/** The toil plugin for the new frontend system. */
export const toilPlugin = createFrontendPlugin({
  pluginId: 'toil',
  info: { packageJson: () => import('../../package.json') },
  extensions: [
    toilApi,
    toilEntityCard,
    toilTeamCard,
    toilEntityContent,
    toilTeamContent,
    toilPage,
  ],
  routes: { root: toilPageRouteRef },
});
