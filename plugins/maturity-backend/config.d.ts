import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';
import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the maturity scorecard backend. */
  maturity?: {
    /**
     * A YAML file holding a complete maturity model that replaces the built-in
     * "cloud-native migration" model. Relative paths resolve from the backend's
     * working directory.
     */
    modelFile?: string;
    /**
     * Overrides applied on top of the model: patch dimensions and checks by id,
     * disable checks (`disabled: true`) and add new ones. Validated at startup;
     * an invalid key stops the backend with an error naming it.
     */
    model?: {
      version?: string;
      title?: string;
      dimensions?: Array<{
        id: string;
        title?: string;
        description?: string;
        weight?: number;
      }>;
      checks?: Array<{
        id: string;
        disabled?: boolean;
        [key: string]: unknown;
      }>;
    };
    /**
     * When to collect facts and evaluate every entity. Default: every 30
     * minutes, with a 20-minute timeout. The first cycle starts when the
     * backend starts (one replica runs it).
     */
    schedule?: {
      /**
       * How often the cycle runs: a duration ({ minutes: 30 }, PT30M) or a
       * crontab ({ cron: '0 * * * *' }).
       */
      frequency: SchedulerServiceTaskScheduleDefinitionConfig['frequency'];
      /**
       * How long one cycle may hold its lock. A replica that dies mid-cycle
       * keeps the other replicas from running the cycle until then. At most
       * the frequency, and by default the frequency; required with a cron
       * frequency.
       */
      timeout?: SchedulerServiceTaskScheduleDefinitionConfig['timeout'];
      /**
       * How long after a replica starts it may run a cycle. Default: none;
       * the first cycle is started at startup.
       */
      initialDelay?: SchedulerServiceTaskScheduleDefinitionConfig['initialDelay'];
    };
    /**
     * Scoring of entities registered between two cycles: the catalog's refs
     * of the scored kinds are compared with the stored scores, and the new
     * entities are scored at once. With the catalog module
     * `@cloud-native-portal/plugin-catalog-backend-module-maturity`, new
     * entities are scored from its events, and this scan is the fallback for
     * missed events.
     */
    newEntities?: {
      /**
       * False turns the scan off: new entities that no catalog module event
       * announces wait for the next cycle. Default: true.
       */
      enabled?: boolean;
      /**
       * How often the scan runs, between 1 second and 5 minutes: a duration
       * ({ seconds: 10 }, PT10S). Each scan lists the refs of the scored
       * kinds. Default: 10 seconds.
       */
      frequency?: HumanDuration | string;
      /**
       * At most this many new entities are scored one by one per scan (1 to
       * 500); when more are unscored, the scan starts the full cycle
       * instead. Default: 20.
       */
      maxPerScan?: number;
    };
    /**
     * How replicas that share one database split the cycle. Each cycle's
     * entities are hashed into shards; a replica claims one shard at a time
     * with a lease in the database, so each entity is evaluated once per
     * cycle, and a replica that dies loses its shard when its lease lapses.
     */
    sharding?: {
      /**
       * How many shards a cycle has (1 to 4096). Several replicas evaluate
       * different shards at once. Default: 1 (one replica runs the cycle).
       */
      shards?: number;
      /**
       * How long a claim on a shard lasts unless renewed, between 1 second
       * and 1 hour: a dead replica's shard waits this long for another
       * replica. The holder renews it every third of it. Default: 1 minute.
       */
      leaseDuration?: HumanDuration | string;
      /**
       * How often each replica looks for unclaimed shards of a running cycle,
       * between 1 second and 5 minutes. Default: 5 seconds.
       */
      pollInterval?: HumanDuration | string;
    };
    /** The plugin's own database. */
    database?: {
      /**
       * On PostgreSQL, a cycle writes its rows through named prepared
       * statements, prepared once per connection. Set to false behind a
       * connection pooler that does not keep prepared statements between
       * transactions, such as PgBouncer before 1.21 in transaction pooling
       * mode. Default: true.
       */
      preparedStatements?: boolean;
    };
    /** Entity kinds that get a scorecard. Default: [Component]. */
    entityKinds?: string[];
    /**
     * Demo only; never set in production. Data the demo organization ships
     * with.
     */
    demo?: {
      /**
       * A recorded timeline (examples/history, written by
       * scripts/generate-demo-history.mjs) applied once, at first start, to an
       * empty history, after the first evaluation: how far each entity stood
       * below today's levels over the past months.
       */
      recordedHistory?: {
        /** The timeline's JSON file, relative to the backend's working directory. */
        file: string;
      };
    };
    /**
     * Delivery outcomes (module maturityModuleDeliveryOutcomes): production
     * deployments, lead time and failed changes from the GitOps repository's
     * history, time to restore from an incident export or PagerDuty, and cost
     * from OpenCost. Without this key, the `delivery`, `incidents` and `cost`
     * facts are unknown.
     */
    outcomes?: {
      /** The GitOps repository, laid out as apps/<application>/<environment>/. */
      gitops?: {
        /**
         * The repository's directory (a work tree or a bare repository),
         * relative to the backend's working directory. Default:
         * <scaffolder.localPublish.directory>/<scaffolder.localPublish.gitopsRepository>.
         */
        localRepository?: string;
        /**
         * The repository on GitHub instead, as its https URL
         * (https://github.com/<owner>/<repo>), read through Octokit with the
         * credentials of integrations.github. Not with localRepository.
         */
        github?: string;
        /** The branch whose commits are deployments. Default: main. */
        branch?: string;
      };
      /** Environment folder names that are production. Default: [production, prod]. */
      productionEnvironments?: string[];
      /** Days of history the outcome facts cover (1 to 3650). Default: 90. */
      windowDays?: number;
      /**
       * GitHub deployments, for entities with github.com/project-slug and no
       * app folder in the GitOps repository (needs integrations.github).
       */
      github?: {
        /**
         * Case-insensitive regular expression matched against workflow names
         * and files: their successful runs are the deployments of a
         * repository without GitHub deployments. Default: deploy|release.
         */
        deployWorkflow?: string;
      };
      /** Argo CD, for entities with the argocd/app-name annotation. */
      argocd?: {
        /** The Argo CD server's URL, e.g. https://argocd.example.com. */
        baseUrl: string;
        /**
         * An Argo CD API token with read access to the applications.
         * @visibility secret
         */
        token?: string;
      };
      /** The incident export (JSON array or CSV with a header): set file or url. */
      incidents?: {
        /** A file path, relative to the backend's working directory. */
        file?: string;
        /** A URL, read through the backend's URL reader (integrations). */
        url?: string;
      };
      /**
       * PagerDuty's REST API: the incidents of every entity with the
       * annotation `pagerduty.com/service-id` are read from it (the others
       * from the incident export).
       */
      pagerduty?: {
        /**
         * A REST API key (read-only is enough), sent as
         * `Authorization: Token token=...`.
         * @visibility secret
         */
        token: string;
        /** The REST API's address. Default: https://api.pagerduty.com. */
        baseUrl?: string;
      };
      /**
       * Cost per service from OpenCost's allocation API (module
       * maturityModuleCostOutcomes): set baseUrl or file. An entity's
       * allocation is the one named by its annotation
       * `cloud-native-portal.io/cost-allocation`, else by its name.
       */
      opencost?: {
        /** The OpenCost API, e.g. http://opencost.opencost:9003 (GET /allocation/compute). */
        baseUrl?: string;
        /** A saved /allocation/compute answer (JSON), relative to the backend's working directory. */
        file?: string;
        /** The allocation window asked for, e.g. 30d or 7d. Default: 30d. */
        window?: string;
        /** How OpenCost aggregates: label:<name>, namespace, controller, deployment, service or pod. Default: label:app. */
        aggregate?: string;
        /** The currency OpenCost's prices are in, for display. Default: USD. */
        currency?: string;
      };
    };
    /** Days of score history to keep. Default: 400. */
    historyRetentionDays?: number;
    /**
     * Local directories that `dir:` source locations may point into. The
     * demo's example repositories live under `examples/`. Default: none, so
     * only `url:` locations are read.
     */
    allowedLocalRoots?: string[];
    /**
     * Numeric facts kept in the history beside the score. Default:
     * zeroTrust.score, toil.teamToilPercent and the delivery outcomes
     * (delivery.productionDeploymentsPerWeek, delivery.leadTimeHours,
     * delivery.changeFailureRate, incidents.timeToRestoreHours,
     * cost.monthlyCost, cost.idleShare).
     */
    trackedFacts?: string[];
    /** Owner values treated as "no owner", e.g. unassigned, tbd. */
    placeholderOwners?: string[];
    /** Fleet fixes: a check's fix template proposed to many repositories. */
    fleet?: {
      /**
       * How many repositories one fleet action works on at once (one
       * scaffolder task each). Default: 4.
       */
      concurrency?: number;
    };
    /**
     * Nudges to owning teams through Backstage notifications. Users can mute
     * each topic in their notification settings.
     */
    nudges?: {
      /** Checks of a team's services that went from pass to fail. */
      regressions?: {
        /**
         * Whether teams are told (topic maturity-regression: one notification
         * per team and day, updated by later cycles). Default: true.
         */
        enabled?: boolean;
      };
      /** The digest per owning team (topic maturity-digest). */
      digest?: {
        /** Whether the digest is sent. Default: true. */
        enabled?: boolean;
        /**
         * How often it is sent: a duration ({ days: 7 }, P7D) or a crontab
         * ({ cron: '0 8 * * 1' }). Default: every 7 days.
         */
        frequency?: SchedulerServiceTaskScheduleDefinitionConfig['frequency'];
      };
    };
    /** Waivers of checks. */
    waivers?: {
      /**
       * The latest a new waiver may expire, in whole days from now (through
       * the end of that day, UTC); a later expiresAt is answered with 400.
       * Default: 90.
       */
      maxDays?: number;
    };
  };
}
