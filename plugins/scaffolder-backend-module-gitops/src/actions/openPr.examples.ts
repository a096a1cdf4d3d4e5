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
];
