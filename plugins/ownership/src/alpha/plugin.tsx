import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import PeopleIcon from '@material-ui/icons/People';
import { rootRouteRef } from '../routes';
import { ownershipApi } from './apis';
import { ownershipOwnerCard } from './entityCards';
import { ownershipPage } from './pages';

/** The ownership plugin for the new frontend system. */
export const ownershipFrontendPlugin = createFrontendPlugin({
  pluginId: 'ownership',
  title: 'Ownership',
  icon: <PeopleIcon fontSize="inherit" />,
  extensions: [ownershipApi, ownershipOwnerCard, ownershipPage],
  routes: { root: convertLegacyRouteRef(rootRouteRef) },
});
