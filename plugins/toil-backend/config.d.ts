export interface Config {
  /** Configuration of the toil register backend (plugins/toil-backend). */
  toil?: {
    /**
     * Operations hours per person per week, the capacity toil % divides by.
     * Default: 40.
     */
    hoursPerPersonPerWeek?: number;
    /** Months shown in the toil trend. Default: 6. */
    trendMonths?: number;
    /** Seeding of an empty register at startup (demo use). */
    seed?: {
      /**
       * A register CSV imported once, when the register is empty. Relative
       * paths resolve from the backend's working directory.
       */
      file?: string;
    };
    /** The maturity fact collector module (maturity.toil). */
    collector?: {
      /**
       * Seconds one bulk facts response is reused across the entities of a
       * maturity cycle. Default: 60.
       */
      cacheSeconds?: number;
    };
  };
}
