import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `gitops:plan-upgrade`. */
export const examples: TemplateExample[] = [
  {
    description:
      "Plan the upgrade of a repository to its template's current version: three ways against the record's files, leaving what the service changed",
    example: yaml.stringify({
      steps: [
        {
          id: 'plan',
          action: 'gitops:plan-upgrade',
          name: 'Plan the upgrade',
          input: {
            repositoryPath: './repository',
            outputPath: './change',
            skippedPaths: '${{ steps.source.output.skippedPaths }}',
            servicePaths: ['src/', 'package.json', 'README.md'],
            managedPaths: ['deploy/', '.github/workflows/'],
            secretAnswers: '${{ secrets.secretAnswers }}',
          },
        },
      ],
    }),
  },
];
