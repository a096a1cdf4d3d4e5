import { createApp } from '@backstage/frontend-defaults';
import { catalogPluginWithMaturity } from './modules/catalogMaturity';
import { navModule } from './modules/nav';
import { notificationSettingsModule } from './modules/notificationSettings';
import { signInModule } from './modules/signIn';

export default createApp({
  features: [
    catalogPluginWithMaturity,
    navModule,
    notificationSettingsModule,
    signInModule,
  ],
});
