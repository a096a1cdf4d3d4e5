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
  {
    description:
      'Read the repository and log what could not be copied (binaries, symlinks, files over the limits)',
    example: yaml.stringify({
      steps: [
        {
          id: 'source',
          action: 'gitops:fetch-entity-source',
          name: 'Read the repository',
          input: { entityRef: '${{ parameters.component }}' },
        },
        {
          id: 'left-out',
          action: 'debug:log',
          name: 'Files left as they are',
          input: {
            message:
              "${{ steps.source.output.skippedPaths | join(', ') }}${{ ' (more not read: truncated)' if steps.source.output.truncated }}",
          },
        },
      ],
    }),
  },
  {
    description:
      "Read the repository and plan the CODEOWNERS change naming the owner's team (the codeowners output)",
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
        {
          id: 'plan',
          action: 'gitops:plan-fix',
          name: 'Plan the CODEOWNERS change',
          input: {
            repositoryPath: './repository',
            outputPath: './change',
            fix: 'codeowners',
            codeowners: '${{ steps.source.output.codeowners }}',
            skippedPaths: '${{ steps.source.output.skippedPaths }}',
          },
        },
      ],
    }),
  },
];
