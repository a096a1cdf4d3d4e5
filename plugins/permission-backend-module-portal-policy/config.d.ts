export interface Config {
  permission?: {
    /**
     * User entity refs treated as admins by the portal policy: they may
     * change every team's toil register. Example: user:default/priya.raman.
     */
    admins?: string[];
  };
}
