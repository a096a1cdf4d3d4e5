import { PageBlueprint } from '@backstage/frontend-plugin-api';
import AssessmentIcon from '@material-ui/icons/Assessment';
import { reviewRouteRef, scorecardsRouteRef } from '../routes';

/** The platform team's scorecards page, with campaigns. */
export const scorecardsPage = PageBlueprint.make({
  name: 'scorecards',
  params: {
    path: '/maturity',
    title: 'Scorecards',
    icon: <AssessmentIcon fontSize="inherit" />,
    routeRef: scorecardsRouteRef,
    noHeader: true,
    loader: () =>
      import('../components/ScorecardsPage').then(m => <m.ScorecardsPage />),
  },
});

/** The architecture review page of a system or domain. */
export const reviewPage = PageBlueprint.make({
  name: 'review',
  params: {
    path: '/maturity/review/:namespace/:name',
    routeRef: reviewRouteRef,
    noHeader: true,
    loader: () =>
      import('../components/ReviewPage').then(m => <m.ReviewPage />),
  },
});
