import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `gitops:plan-upgrade`. */
export const examples: TemplateExample[] = [
  {
    description:
      "Plan the upgrade of a repository to its template's current version, leaving the service's code alone",
    example: yaml.stringify({
      steps: [
        {
          id: 'plan',
          action: 'gitops:plan-upgrade',
          name: 'Plan the upgrade',
          input: {
            repositoryPath: './repository',
            outputPath: './change',
            secretAnswers: '${{ secrets.secretAnswers }}',
            servicePaths: ['src/', 'package.json', 'README.md'],
            managedPaths: ['deploy/', '.github/workflows/'],
          },
        },
      ],
    }),
  },
];
