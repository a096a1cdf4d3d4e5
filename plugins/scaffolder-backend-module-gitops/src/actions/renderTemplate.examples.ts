import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `gitops:render-template`. */
export const examples: TemplateExample[] = [
  {
    description:
      'Render the cloud-native-service template into ./service with the answers of this template',
    example: yaml.stringify({
      steps: [
        {
          id: 'service',
          action: 'gitops:render-template',
          name: 'Render the new service',
          input: {
            templateRef: 'template:default/cloud-native-service',
            targetPath: './service',
            values: {
              name: '${{ parameters.name }}',
              description: '${{ parameters.description }}',
              owner: '${{ parameters.owner }}',
              system: '${{ parameters.system }}',
            },
          },
        },
      ],
    }),
  },
];
