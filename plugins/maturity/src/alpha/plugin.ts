import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { reviewRouteRef, scorecardsRouteRef } from '../routes';
import { maturityApi } from './apis';
import {
  maturityDeliveryOutcomesCard,
  maturityReviewCard,
  maturitySummaryCard,
  maturityTeamCard,
  maturityTeamDeliveryOutcomesCard,
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
    maturityTeamDeliveryOutcomesCard,
    maturityDeliveryOutcomesCard,
    maturityEntityContent,
    scorecardsPage,
    reviewPage,
  ],
  routes: {
    scorecards: scorecardsRouteRef,
    review: reviewRouteRef,
  },
});
