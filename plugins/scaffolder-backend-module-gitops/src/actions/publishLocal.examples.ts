import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `publish:local`. */
export const examples: TemplateExample[] = [
  {
    description:
      'Commit the workspace into a new local repository named after the service',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          action: 'publish:local',
          name: 'Publish to a local repository',
          input: {
            name: '${{ parameters.name }}',
            description: 'Initial commit of ${{ parameters.name }}',
          },
        },
      ],
    }),
  },
];
