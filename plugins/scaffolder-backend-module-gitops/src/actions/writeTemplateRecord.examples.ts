import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `gitops:write-template-record`. */
export const examples: TemplateExample[] = [
  {
    description:
      'Record the template and the answers, leaving out a secret parameter',
    example: yaml.stringify({
      steps: [
        {
          id: 'record',
          action: 'gitops:write-template-record',
          name: 'Record template',
          input: {
            templateVersion: '1.2.0',
            values: '${{ parameters }}',
            secretKeys: ['registryPassword'],
          },
        },
      ],
    }),
  },
];
