import { PageBlueprint } from '@backstage/frontend-plugin-api';
import BuildIcon from '@material-ui/icons/Build';
import { toilPageRouteRef } from '../routes';

/** The organization toil page: teams ranked by toil %. */
export const toilPage = PageBlueprint.make({
  params: {
    path: '/toil',
    title: 'Toil',
    icon: <BuildIcon fontSize="inherit" />,
    routeRef: toilPageRouteRef,
    noHeader: true,
    loader: () => import('../components/ToilPage').then(m => <m.ToilPage />),
  },
});
