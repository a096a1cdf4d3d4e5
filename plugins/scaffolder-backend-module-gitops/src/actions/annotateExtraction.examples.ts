import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `gitops:annotate-extraction`. */
export const examples: TemplateExample[] = [
  {
    description:
      "Mark the new service's Component as extracted from the monolith today",
    example: yaml.stringify({
      steps: [
        {
          id: 'annotate',
          action: 'gitops:annotate-extraction',
          name: 'Record the extraction',
          input: {
            monolith: 'component:default/classroom-monolith',
            capability: 'notifications',
          },
        },
      ],
    }),
  },
  {
    description:
      "Add the capability to the monolith's routed-capabilities in its own catalog-info file",
    example: yaml.stringify({
      steps: [
        {
          id: 'annotate-monolith',
          action: 'gitops:annotate-extraction',
          name: 'Record the route on the monolith',
          input: {
            monolith: 'component:default/classroom-monolith',
            capability: 'notifications',
            side: 'monolith',
            path: '.monolith/catalog-info.yaml',
          },
        },
      ],
    }),
  },
];
