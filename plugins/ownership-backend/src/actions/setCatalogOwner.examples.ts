import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples shown in the scaffolder's action list. */
export const examples: TemplateExample[] = [
  {
    description: 'Give quiz-engine to the assessments team',
    example: yaml.stringify({
      steps: [
        {
          id: 'set-owner',
          action: 'ownership:catalog:set-owner',
          name: 'Set spec.owner',
          input: {
            entityRef: 'component:default/quiz-engine',
            owner: 'group:default/assessments-team',
          },
        },
      ],
    }),
  },
  {
    description: 'Edit a catalog file that is not at the repository root',
    example: yaml.stringify({
      steps: [
        {
          id: 'set-owner',
          action: 'ownership:catalog:set-owner',
          name: 'Set spec.owner',
          input: {
            entityRef: 'component:default/legacy-reports',
            owner: 'group:default/data-team',
            filePath: 'services/legacy-reports/catalog-info.yaml',
          },
        },
      ],
    }),
  },
  {
    description:
      'Write the changed file to ./change, for gitops:open-pr to propose',
    example: yaml.stringify({
      steps: [
        {
          id: 'set-owner',
          action: 'ownership:catalog:set-owner',
          name: 'Set spec.owner',
          input: {
            entityRef: 'component:default/quiz-engine',
            owner: 'group:default/assessments-team',
            filePath: 'repository/catalog-info.yaml',
            targetFilePath: 'change/catalog-info.yaml',
          },
        },
      ],
    }),
  },
];
