export interface Config {
  permission?: {
    /**
     * Portal admins of the portal policy: user entity refs
     * (user:default/priya.raman) or group entity refs
     * (group:default/platform-team) whose members are admins. Admins may
     * manage every entity's waivers, toil rows and catalog entries, and run
     * campaigns. The guest is never an admin through this list. Default: none.
     */
    admins?: string[];
    /** Settings that only the demo may use. Never set them in production. */
    demo?: {
      /**
       * Demo only: the guest user (user:development/guest, or the guest
       * provider's userEntityRef) may do everything an admin may, so the
       * demo stays editable. Default: false, so the guest may only read.
       */
      guestIsAdmin?: boolean;
    };
  };
}
