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
  };
}
