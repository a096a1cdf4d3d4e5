import { PageBlueprint } from '@backstage/frontend-plugin-api';
import SecurityIcon from '@material-ui/icons/Security';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import { rootRouteRef } from '../routes';

/** `page:zero-trust`: the organization posture page at /zero-trust. */
export const zeroTrustPage = PageBlueprint.make({
  params: {
    path: '/zero-trust',
    title: 'Zero trust',
    icon: <SecurityIcon fontSize="inherit" />,
    routeRef: convertLegacyRouteRef(rootRouteRef),
    noHeader: true,
    loader: () =>
      import('../components/ZeroTrustPage').then(m => <m.ZeroTrustPage />),
  },
});
