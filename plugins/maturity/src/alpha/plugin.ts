import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { reviewRouteRef, scorecardsRouteRef } from '../routes';
import { maturityApi } from './apis';
import {
  maturityReviewCard,
  maturitySummaryCard,
  maturityTeamCard,
} from './entityCards';
import { maturityEntityContent } from './entityContent';
import { reviewPage, scorecardsPage } from './pages';

/** The maturity plugin for the new frontend system. */
export const maturityPlugin = createFrontendPlugin({
  pluginId: 'maturity',
  info: { packageJson: () => import('../../package.json') },
  extensions: [
    maturityApi,
    maturitySummaryCard,
    maturityReviewCard,
    maturityTeamCard,
    maturityEntityContent,
    scorecardsPage,
    reviewPage,
  ],
  routes: {
    scorecards: scorecardsRouteRef,
    review: reviewRouteRef,
  },
});
