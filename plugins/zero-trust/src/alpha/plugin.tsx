import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import SecurityIcon from '@material-ui/icons/Security';
import { rootRouteRef } from '../routes';
import { zeroTrustApi } from './apis';
import { zeroTrustPostureCard, zeroTrustTeamCard } from './entityCards';
import { zeroTrustEntityContent } from './entityContent';
import { zeroTrustPage } from './pages';

/** The zero-trust plugin for the new frontend system. */
export const zeroTrustFrontendPlugin = createFrontendPlugin({
  pluginId: 'zero-trust',
  title: 'Zero trust',
  icon: <SecurityIcon fontSize="inherit" />,
  extensions: [
    zeroTrustApi,
    zeroTrustPostureCard,
    zeroTrustTeamCard,
    zeroTrustEntityContent,
    zeroTrustPage,
  ],
  routes: { root: convertLegacyRouteRef(rootRouteRef) },
});
