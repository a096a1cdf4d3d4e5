export interface Config {
  app: {
    signIn?: {
      /**
       * Sign-in methods offered on the sign-in page, in order: `guest` (local
       * use) and `github` (needs `auth.providers.github`). Defaults to guest.
       * @visibility frontend
       */
      providers?: Array<'guest' | 'github'>;
    };
  };
}
