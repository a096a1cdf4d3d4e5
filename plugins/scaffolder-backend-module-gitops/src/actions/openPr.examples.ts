import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `gitops:open-pr`. */
export const examples: TemplateExample[] = [
  {
    description:
      "Open a PR to the GitOps repository with the service's dev overlay",
    example: yaml.stringify({
      steps: [
        {
          id: 'gitops-pr',
          action: 'gitops:open-pr',
          name: 'Propose the dev deployment',
          input: {
            repoUrl: 'github.com?owner=brightpath&repo=gitops',
            environment: 'dev',
            sourcePath: 'deploy/overlays/dev',
            targetPath: 'apps/course-catalog-service/dev',
            title: 'Deploy course-catalog-service to dev',
          },
        },
      ],
    }),
  },
  {
    description:
      "Propose a route as a branch of the portal's local GitOps repository (scaffolder.localPublish.gitopsRepository)",
    example: yaml.stringify({
      steps: [
        {
          id: 'route-pr',
          action: 'gitops:open-pr',
          name: 'Propose the route',
          input: {
            localGitopsRepository: true,
            environment: 'dev',
            sourcePath: 'routing',
            targetPath: 'apps/classroom-monolith/dev/routes/notifications',
          },
        },
      ],
    }),
  },
  {
    description:
      'Propose a day-2 change to a repository, leaving alone the files gitops:fetch-entity-source could not copy',
    example: yaml.stringify({
      steps: [
        {
          id: 'upgrade-pr',
          action: 'gitops:open-pr',
          name: 'Propose the upgrade',
          input: {
            localRepository: '${{ steps.source.output.localRepository }}',
            sourcePath: './change',
            targetPath: '.',
            branchName: 'portal/template-upgrade/1.1.0',
            preservePaths: '${{ steps.source.output.skippedPaths }}',
          },
        },
      ],
    }),
  },
];
