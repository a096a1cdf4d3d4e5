import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { resolve } from 'node:path';
import { z } from 'zod';

/** The default production environments of the GitOps layout. */
export const DEFAULT_PRODUCTION_ENVIRONMENTS = ['production', 'prod'];
/** The default window of the outcome facts, in days. */
export const DEFAULT_WINDOW_DAYS = 90;

function isRegExp(source: string): boolean {
  try {
    return Boolean(new RegExp(source, 'i'));
  } catch {
    return false;
  }
}

const outcomesSchema = z
  .object({
    gitops: z
      .object({
        localRepository: z.string().trim().min(1).optional(),
        github: z
          .string()
          .url()
          .regex(
            /^https:\/\/[^/]+\/[^/]+\/[^/]+?(\.git)?\/?$/,
            'must be the https URL of a repository, https://<host>/<owner>/<repo>',
          )
          .optional(),
        branch: z
          .string()
          .trim()
          .min(1)
          .regex(/^[^\s~^:?*[\\]+$/, 'must be a branch name')
          .optional(),
      })
      .strict()
      .refine(v => !(v.localRepository && v.github), {
        message: 'set either localRepository or github, not both',
      })
      .optional(),
    productionEnvironments: z
      .array(
        z
          .string()
          .trim()
          .min(1)
          .regex(/^[^/]+$/, 'must be a directory name under apps/<app>/'),
      )
      .min(1)
      .optional(),
    windowDays: z.number().int().min(1).max(3650).optional(),
    github: z
      .object({
        deployWorkflow: z
          .string()
          .trim()
          .min(1)
          .refine(isRegExp, 'must be a regular expression')
          .optional(),
      })
      .strict()
      .optional(),
    argocd: z
      .object({
        baseUrl: z
          .string()
          .url()
          .regex(/^https?:\/\//, 'must be an http(s) URL'),
        token: z.string().trim().min(1).optional(),
      })
      .strict()
      .optional(),
    incidents: z
      .object({
        file: z.string().trim().min(1).optional(),
        url: z.string().url().optional(),
      })
      .strict()
      .refine(v => !(v.file && v.url), {
        message: 'set either file or url, not both',
      })
      .optional(),
    pagerduty: z
      .object({
        token: z.string().trim().min(1),
        baseUrl: z.string().url().optional(),
      })
      .strict()
      .optional(),
    opencost: z
      .object({
        baseUrl: z.string().url().optional(),
        file: z.string().trim().min(1).optional(),
        window: z
          .string()
          .trim()
          .regex(/^\d+[mhdw]$/, 'must be a duration such as 30d, 7d or 24h')
          .optional(),
        aggregate: z
          .string()
          .trim()
          .regex(
            /^(namespace|controller|deployment|service|pod|label:[\w./-]+)$/,
            'must be namespace, controller, deployment, service, pod or label:<name>',
          )
          .optional(),
        currency: z.string().trim().min(1).max(8).optional(),
      })
      .strict()
      .refine(v => !(v.file && v.baseUrl), {
        message: 'set either baseUrl or file, not both',
      })
      .refine(v => v.file || v.baseUrl, {
        message: 'set baseUrl (the OpenCost API) or file (a saved response)',
      })
      .optional(),
  })
  .strict();

/** The default OpenCost allocation window. */
export const DEFAULT_OPENCOST_WINDOW = '30d';
/** The default OpenCost aggregation: the pods' `app` label. */
export const DEFAULT_OPENCOST_AGGREGATE = 'label:app';

/** The validated `maturity.outcomes` configuration. */
export interface OutcomesConfig {
  /** False when `maturity.outcomes` is absent. */
  configured: boolean;
  /** Absolute directory of the GitOps repository, when one is known. */
  gitopsRepository?: string;
  branch: string;
  productionEnvironments: string[];
  windowDays: number;
  /** The GitOps repository on GitHub (its https URL), instead of a local one. */
  gitopsGithub?: string;
  /** Matches the deploy workflows of a repository without GitHub deployments. */
  deployWorkflow?: string;
  /** Argo CD's API, when configured. */
  argocd?: { baseUrl: string; token?: string };
  incidents?: { file: string } | { url: string };
  /** PagerDuty's REST API, for entities with `pagerduty.com/service-id`. */
  pagerduty?: { token: string; baseUrl?: string };
  /** OpenCost's allocation API, or a saved answer of it. */
  opencost?: ({ baseUrl: string } | { file: string }) & {
    window: string;
    aggregate: string;
    currency: string;
  };
}

/**
 * Reads and validates `maturity.outcomes`. An invalid key throws an
 * InputError naming it, which stops the backend at startup.
 */
export function readOutcomesConfig(
  config: Config,
  cwd: string = process.cwd(),
): OutcomesConfig {
  const raw = config.getOptionalConfig('maturity.outcomes')?.get();
  const result = outcomesSchema.safeParse(raw ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = ['maturity.outcomes', ...issue.path.map(String)].join('.');
    throw new InputError(`Invalid config ${key}: ${issue.message}`);
  }
  const value = result.data;

  let gitopsRepository: string | undefined;
  if (value.gitops?.localRepository) {
    gitopsRepository = resolve(cwd, value.gitops.localRepository);
  } else if (!value.gitops?.github) {
    const directory = config.getOptionalString(
      'scaffolder.localPublish.directory',
    );
    const name = config.getOptionalString(
      'scaffolder.localPublish.gitopsRepository',
    );
    if (directory && name) gitopsRepository = resolve(cwd, directory, name);
  }

  let incidents: OutcomesConfig['incidents'];
  if (value.incidents?.file) {
    incidents = { file: resolve(cwd, value.incidents.file) };
  } else if (value.incidents?.url) {
    incidents = { url: value.incidents.url };
  }

  let opencost: OutcomesConfig['opencost'];
  if (value.opencost) {
    const settings = {
      window: value.opencost.window ?? DEFAULT_OPENCOST_WINDOW,
      aggregate: value.opencost.aggregate ?? DEFAULT_OPENCOST_AGGREGATE,
      currency: value.opencost.currency ?? 'USD',
    };
    opencost = value.opencost.file
      ? { file: resolve(cwd, value.opencost.file), ...settings }
      : { baseUrl: value.opencost.baseUrl!, ...settings };
  }

  return {
    configured: raw !== undefined,
    gitopsRepository,
    branch: value.gitops?.branch ?? 'main',
    productionEnvironments:
      value.productionEnvironments ?? DEFAULT_PRODUCTION_ENVIRONMENTS,
    windowDays: value.windowDays ?? DEFAULT_WINDOW_DAYS,
    gitopsGithub: value.gitops?.github,
    deployWorkflow: value.github?.deployWorkflow,
    argocd: value.argocd,
    incidents,
    ...(value.pagerduty ? { pagerduty: value.pagerduty } : {}),
    ...(opencost ? { opencost } : {}),
  };
}
