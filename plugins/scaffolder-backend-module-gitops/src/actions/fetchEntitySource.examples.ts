import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `gitops:fetch-entity-source`. */
export const examples: TemplateExample[] = [
  {
    description:
      "Copy the chosen Component's repository into ./repository, for a day-2 change",
    example: yaml.stringify({
      steps: [
        {
          id: 'source',
          action: 'gitops:fetch-entity-source',
          name: 'Read the repository',
          input: {
            entityRef: '${{ parameters.component }}',
            targetPath: './repository',
          },
        },
      ],
    }),
  },
];
