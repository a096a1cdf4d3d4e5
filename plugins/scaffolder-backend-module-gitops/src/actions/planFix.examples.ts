import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `gitops:plan-fix`. */
export const examples: TemplateExample[] = [
  {
    description:
      'Plan a PodDisruptionBudget for every Deployment and StatefulSet that lacks one, writing the change to ./change',
    example: yaml.stringify({
      steps: [
        {
          id: 'plan',
          action: 'gitops:plan-fix',
          name: 'Plan the fix',
          input: {
            repositoryPath: './repository',
            outputPath: './change',
            fix: 'pod-disruption-budget',
            skippedPaths: '${{ steps.source.output.skippedPaths }}',
          },
        },
      ],
    }),
  },
  {
    description:
      'Plan a default-deny NetworkPolicy for every namespace of the workloads that lacks one',
    example: yaml.stringify({
      steps: [
        {
          id: 'plan',
          action: 'gitops:plan-fix',
          name: 'Plan the fix',
          input: {
            repositoryPath: './repository',
            outputPath: './change',
            fix: 'default-deny-network-policy',
          },
        },
      ],
    }),
  },
];
