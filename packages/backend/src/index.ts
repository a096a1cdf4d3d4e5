/*
 * The Cloud-Native Portal backend: the standard Backstage plugins the portal
 * builds on, plus the portal's own plugins as they are added.
 */
import { createBackend } from '@backstage/backend-defaults';
import {
  maturityModuleCostOutcomes,
  maturityModuleDeliveryOutcomes,
  maturityModuleDemoHistory,
} from '@cloud-native-portal/plugin-maturity-backend';
import { WinstonLogger } from '@backstage/backend-defaults/rootLogger';
import { ConfigSources } from '@backstage/config-loader';
import { acquireStartupLock, StartupLock } from './startupLock';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// Software Templates
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);

// Sign-in: guest for local use, GitHub when configured (production).
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-auth-backend-module-github-provider'));

// Software catalog
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// Permission framework with the portal's policy: everything is allowed except
// toil writes, which go to members of the owning group (or configured admins).
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@cloud-native-portal/plugin-permission-backend-module-portal-policy'),
);

// Search: PostgreSQL's engine in production, the in-memory engine on SQLite.
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-pg'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));

backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
// Sends notifications (the maturity nudges among them) to Slack too, once
// notifications.processors.slack is configured; without it, it sends nothing.
backend.add(import('@backstage/plugin-notifications-backend-module-slack'));
backend.add(import('@backstage/plugin-signals-backend'));
// The events bus: with PostgreSQL, events (such as the catalog module's
// entity announcements below) reach the subscribers on every replica.
backend.add(import('@backstage/plugin-events-backend'));

// Actions registry exposed to AI tools over MCP.
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// The portal's own plugins.
backend.add(import('@cloud-native-portal/plugin-maturity-backend'));
// Tells the maturity plugin about new and changed catalog entities, so that
// a newly registered entity is scored without waiting for a scheduled scan.
backend.add(
  import('@cloud-native-portal/plugin-catalog-backend-module-maturity'),
);
// Demo only: the recorded history, applied when maturity.demo is configured.
backend.add(maturityModuleDemoHistory);
// Delivery outcomes (deployments, lead time, failed changes, time to restore)
// from the GitOps repository's history and an incident export: maturity.outcomes.
backend.add(maturityModuleDeliveryOutcomes);
// Cost per service and its idle share from OpenCost: maturity.outcomes.opencost.
backend.add(maturityModuleCostOutcomes);
backend.add(import('@cloud-native-portal/plugin-zero-trust-backend'));
backend.add(import('@cloud-native-portal/plugin-ownership-backend'));
backend.add(import('@cloud-native-portal/plugin-ownership-backend/scaffolder'));
backend.add(import('@cloud-native-portal/plugin-toil-backend'));
backend.add(import('@cloud-native-portal/plugin-toil-backend/maturity'));
backend.add(
  import('@cloud-native-portal/plugin-scaffolder-backend-module-gitops'),
);

const logger = WinstonLogger.create({
  meta: { service: 'backstage', type: 'startup' },
});

/**
 * Starts the backend under the startup lock (PostgreSQL only), and exits
 * non-zero when startup fails, a plugin's or the HTTP server's (port taken,
 * database unreachable): a backend that is not ready never will be, and its
 * supervisor should restart it rather than find it answering 503 forever.
 */
async function start() {
  let lock: StartupLock | undefined;
  try {
    // The same configuration the backend reads (--config arguments,
    // APP_CONFIG_ variables), loaded once more for the lock's connection.
    const config = await ConfigSources.toConfig(
      ConfigSources.default({ argv: process.argv, watch: false }),
    );
    config.close();
    lock = await acquireStartupLock({ config, logger });
    await backend.start();
    await lock?.release();
  } catch (error) {
    logger.error(`Backend failed to start; exiting: ${error}`);
    await lock?.release();
    process.exit(1);
  }
}

start();
