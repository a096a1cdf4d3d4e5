import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `gitops:plan-adoption`. */
export const examples: TemplateExample[] = [
  {
    description:
      'Plan what a repository lacks of the golden path, writing the change to ./change',
    example: yaml.stringify({
      steps: [
        {
          id: 'plan',
          action: 'gitops:plan-adoption',
          name: 'Plan the adoption',
          input: {
            repositoryPath: './repository',
            renderedPath: './golden-path',
            outputPath: './change',
            skippedPaths: '${{ steps.source.output.skippedPaths }}',
          },
        },
      ],
    }),
  },
];
