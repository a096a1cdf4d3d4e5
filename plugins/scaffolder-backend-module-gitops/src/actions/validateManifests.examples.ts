import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `gitops:validate-manifests`. */
export const examples: TemplateExample[] = [
  {
    description:
      'Validate the whole workspace and require a zero-trust grade of A and maturity level 3',
    example: yaml.stringify({
      steps: [
        {
          id: 'validate',
          action: 'gitops:validate-manifests',
          name: 'Validate manifests',
          input: { minGrade: 'A', minLevel: 3 },
        },
      ],
    }),
  },
  {
    description:
      'Validate one subdirectory and fail on kinds without a packaged schema',
    example: yaml.stringify({
      steps: [
        {
          id: 'validate',
          action: 'gitops:validate-manifests',
          name: 'Validate deploy manifests',
          input: { path: 'deploy', requireSchemas: true },
        },
      ],
    }),
  },
];
