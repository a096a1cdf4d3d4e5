import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** Configuration of the ownership backend. */
  ownership?: {
    /** When to recompute the ownership report. Default: every 10 minutes. */
    schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    /**
     * Minutes a report is served before a request recomputes it, should the
     * schedule fall behind. Default: 15.
     */
    cacheTtlMinutes?: number;
    /** Entity kinds whose ownership is checked. Default: Component, API, Resource, System, Domain. */
    entityKinds?: string[];
    /**
     * Owner values that mean "no owner", e.g. unassigned, tbd. Default:
     * `maturity.placeholderOwners`, else unassigned, unknown, tbd, none, n/a, nobody.
     */
    placeholderOwners?: string[];
    /**
     * Component types (spec.type) expected to have on-call; only these get the
     * "No on-call" problem. APIs, Systems, Domains and Resources never do.
     * Default: service, website, monolith, function.
     */
    oncallComponentTypes?: string[];
    /** The Software Template that fixes spec.owner. Default: template:default/fix-catalog-owner. */
    fixTemplateRef?: string;
  };
}
