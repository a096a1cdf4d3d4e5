export interface Config {
  scaffolder?: {
    /** Local publishing with `publish:local`, for portals without GitHub credentials. */
    localPublish?: {
      /**
       * Directory on the backend host that `publish:local` creates repositories
       * in, relative to the backend's working directory. The catalog registers
       * each repository's catalog-info.yaml from here.
       */
      directory?: string;
      /** How often, in seconds, the catalog looks for new local repositories. Default 10. */
      refreshIntervalSeconds?: number;
      /**
       * Name of a local GitOps repository in that directory, created with a
       * first commit at startup when missing. Templates propose changes to it
       * as branches (`gitops:open-pr` with `localRepository`).
       */
      gitopsRepository?: string;
      /**
       * Demo portals only: a Node script run once, as
       * `node <script> <repository-dir>`, when the GitOps repository is
       * created, that writes a commit history on `main` before the first
       * commit (relative to the backend's working directory; the demo's is
       * examples/gitops-history/generate.mjs). Never set it in production.
       */
      demoHistory?: string;
      /**
       * Demo portals only: a folder of repository trees, one subfolder per
       * repository (relative to the backend's working directory; the demo's
       * is examples/local-repos). At startup each subfolder whose repository
       * is missing from `directory` is copied there as a git repository with
       * one commit on `main`; existing repositories are left as they are.
       * Never set it in production.
       */
      demoRepositories?: string;
    };
    /** How `gitops:open-pr` waits out GitHub's rate limits and failures. */
    gitopsOpenPr?: {
      /**
       * How often one GitHub request is tried again after a rate limit, and
       * after a server error or a dropped connection. Default 3.
       */
      retries?: number;
      /**
       * The longest wait, in seconds, for one rate limit; a limit that asks
       * for longer fails the task at once, with the time to run it again.
       * Default 60.
       */
      maxWaitSeconds?: number;
    };
    /**
     * Container registries the base-image digest fix (`gitops:plan-fix`
     * with `base-image-digests`) reads with credentials, to look up the
     * digest an image tag points at. Registries not listed here are read
     * anonymously, as public images are.
     */
    gitopsRegistries?: Array<{
      /**
       * The registry host as image references name it (`ghcr.io`,
       * `registry.example.com:5000`); `docker.io` for Docker Hub.
       */
      host: string;
      /** The user name the registry's token service accepts. */
      username?: string;
      /**
       * The password or access token of that user; only reading images
       * (pull) is needed.
       * @visibility secret
       */
      password?: string;
    }>;
    /**
     * How long, in seconds, one request to a container registry may take
     * when the base-image digest fix looks up a digest. Default 10.
     */
    gitopsRegistryTimeoutSeconds?: number;
  };
}
