import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `gitops:wait-for-entity`. */
export const examples: TemplateExample[] = [
  {
    description:
      'Wait until the catalog holds the new Component, so "Open in catalog" finds it',
    example: yaml.stringify({
      steps: [
        {
          id: 'wait-for-entity',
          action: 'gitops:wait-for-entity',
          name: 'Wait for the catalog',
          input: {
            entityRef: "${{ steps['publish-local'].output.entityRef }}",
            timeoutSeconds: 60,
          },
        },
      ],
    }),
  },
];
