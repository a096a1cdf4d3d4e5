import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import { PageBlueprint } from '@backstage/frontend-plugin-api';
import PeopleIcon from '@material-ui/icons/People';
import { rootRouteRef } from '../routes';

/** `page:ownership`: the coverage page at /ownership. */
export const ownershipPage = PageBlueprint.make({
  params: {
    path: '/ownership',
    title: 'Ownership',
    icon: <PeopleIcon fontSize="inherit" />,
    routeRef: convertLegacyRouteRef(rootRouteRef),
    noHeader: true,
    loader: () =>
      import('../components/OwnershipPage').then(m => <m.OwnershipPage />),
  },
});
