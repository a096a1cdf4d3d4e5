import {
  createFrontendModule,
  SubPageBlueprint,
  useApi,
} from '@backstage/frontend-plugin-api';
import { UserNotificationSettingsCard } from '@backstage/plugin-notifications';
import { maturityApiRef } from '@cloud-native-portal/plugin-maturity';
import { useEffect, useState } from 'react';

/** How the settings name the portal's senders. */
const ORIGIN_NAMES = {
  'plugin:maturity': 'Maturity scorecard',
  'plugin:scaffolder': 'Software Templates',
};

/** The maturity scorecard's topics, each mutable on its own. */
const TOPIC_NAMES: Record<string, string> = {
  'maturity-campaign': 'Campaigns targeting your services',
  'maturity-regression': 'Checks that went from passing to failing',
  'maturity-digest': 'Weekly maturity digest',
};

/**
 * Backstage's notification settings, with the scorecard's topics named:
 * fix pull requests have one topic per check (`maturity-fix:<check id>`),
 * named after the check in the portal's model.
 */
export function PortalNotificationSettings() {
  const maturity = useApi(maturityApiRef);
  // Until the model answers (or when it cannot), topics keep their ids.
  const [topicNames, setTopicNames] = useState(TOPIC_NAMES);
  useEffect(() => {
    let current = true;
    maturity
      .getModel()
      .then(model => {
        if (!current) return;
        const names = { ...TOPIC_NAMES };
        for (const check of model.model.checks) {
          names[
            `maturity-fix:${check.id}`
          ] = `Fix pull requests: ${check.title}`;
        }
        setTopicNames(names);
      })
      .catch(() => {});
    return () => {
      current = false;
    };
  }, [maturity]);
  return (
    <UserNotificationSettingsCard
      originNames={ORIGIN_NAMES}
      topicNames={topicNames}
    />
  );
}

/**
 * A Notifications tab on the settings page, where each user mutes the
 * topics (and senders) they do not want, per channel.
 */
export const notificationSettingsModule = createFrontendModule({
  pluginId: 'user-settings',
  extensions: [
    SubPageBlueprint.make({
      attachTo: { id: 'page:user-settings', input: 'pages' },
      name: 'notifications',
      params: {
        path: 'notifications',
        title: 'Notifications',
        loader: async () => <PortalNotificationSettings />,
      },
    }),
  ],
});
