import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `gitops:check-capability`. */
export const examples: TemplateExample[] = [
  {
    description:
      'Fail early unless the monolith lists the capability and no service took it over',
    example: yaml.stringify({
      steps: [
        {
          id: 'check',
          action: 'gitops:check-capability',
          name: 'Check the capability',
          input: {
            monolith: '${{ parameters.monolith }}',
            capability: '${{ parameters.capability }}',
          },
        },
      ],
    }),
  },
];
