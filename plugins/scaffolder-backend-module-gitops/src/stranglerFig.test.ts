import { Entity } from '@backstage/catalog-model';
import fsSync, { promises as fs } from 'fs';
import git from 'isomorphic-git';
import os from 'os';
import { join, resolve } from 'path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import {
  CatalogSnapshot,
  createCatalogFactCollector,
  readLocalTree,
} from '@cloud-native-portal/plugin-maturity-node';
import { mockCredentials } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  demoOrganization,
  startTemplateHarness,
  TemplateHarness,
  templateEntities,
  withMembership,
} from './__testUtils__/templateHarness';
import { scanMaturity, scanZeroTrust } from './lib/scan';
import { validateTree } from './lib/validateTree';

jest.setTimeout(120_000);

// The strangler-fig-extraction template, beyond what templates.test.ts
// checks for every template: the route, the extraction annotations and the
// facts the maturity review reads, and the template's bad-input errors.
const ROOT = resolve(__dirname, '../../..');
const TEMPLATE_DIR = join(ROOT, 'templates/strangler-fig-extraction');

const values = (overrides: Record<string, unknown> = {}) => ({
  monolith: 'component:default/classroom-monolith',
  capability: 'notifications',
  baseTemplate: 'cloud-native-service',
  name: 'notification-service',
  description: 'Sends learners their notifications.',
  owner: 'group:default/courses-team',
  system: 'system:default/learning-platform',
  lifecycle: 'experimental',
  tier: '2',
  mesh: 'istio',
  gitops: 'argocd',
  githubOrg: 'brightpath',
  imageRegistry: 'ghcr.io',
  routing: 'httproute',
  pathPrefixes: ['/notifications', '/api/notifications'],
  hostname: 'classroom.brightpath.example',
  gateway: 'istio-ingress/edge',
  monolithService: 'classroom-classroom',
  monolithNamespace: 'classroom',
  monolithPort: 80,
  environment: 'dev',
  gitopsRepoUrl: 'github.com?owner=brightpath&repo=gitops',
  ...overrides,
});

const LOCAL_GITOPS = join(os.tmpdir(), 'gitops');

describe('strangler-fig-extraction through the real scaffolder', () => {
  let createdGitops = false;
  let keepRouteDir: string;
  let harness: TemplateHarness;
  let dir: string;
  let org: Entity[];
  beforeAll(async () => {
    org = demoOrganization();
    harness = await startTemplateHarness({
      catalogEntities: [...org, ...templateEntities(join(ROOT, 'templates'))],
      config: {
        scaffolder: {
          localPublish: { directory: os.tmpdir(), gitopsRepository: 'gitops' },
        },
      },
    });
    dir = await fs.mkdtemp(join(os.tmpdir(), 'strangler-fig-'));
    // The template as it is, but keeping routing/ in the workspace, so that
    // the tests can read the route it proposes.
    keepRouteDir = join(dir, 'template-keeping-route');
    await fs.cp(TEMPLATE_DIR, keepRouteDir, { recursive: true });
    const template = parse(
      await fs.readFile(join(TEMPLATE_DIR, 'template.yaml'), 'utf8'),
    );
    const steps = template.spec.steps as Array<{ id: string }>;
    if (!steps.some(step => step.id === 'drop-routing')) {
      throw new Error('the template has no drop-routing step');
    }
    template.spec.steps = steps.filter(step => step.id !== 'drop-routing');
    await fs.writeFile(
      join(keepRouteDir, 'template.yaml'),
      stringify(template),
    );
    // The harness publishes locally to the temp directory; the template's
    // local mode proposes the route to the repository named gitops there.
    try {
      await fs.mkdir(LOCAL_GITOPS);
      createdGitops = true;
      await git.init({ fs: fsSync, dir: LOCAL_GITOPS, defaultBranch: 'main' });
      await fs.writeFile(join(LOCAL_GITOPS, 'README.md'), '# gitops\n');
      await git.add({ fs: fsSync, dir: LOCAL_GITOPS, filepath: 'README.md' });
      await git.commit({
        fs: fsSync,
        dir: LOCAL_GITOPS,
        message: 'Initial commit',
        author: { name: 'Portal test', email: 'test@example.com' },
      });
    } catch (e: any) {
      if (e?.code !== 'EEXIST') throw e;
    }
  });
  afterAll(async () => {
    await harness?.stop();
    await fs.rm(dir, { recursive: true, force: true });
    if (createdGitops) {
      await fs.rm(LOCAL_GITOPS, { recursive: true, force: true });
    }
  });

  const read = async (out: string, path: string) =>
    parseAllDocuments(await fs.readFile(join(out, path), 'utf8')).map(d =>
      d.toJS(),
    );

  it('routes the capability prefixes to the new service and the rest to the monolith (HTTPRoute)', async () => {
    const out = join(dir, 'httproute');
    const rendered = await harness.render(keepRouteDir, values(), out);

    const [route, grant] = await read(out, 'routing/routes.yaml');
    expect(route).toMatchObject({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: {
        name: 'classroom-monolith-notifications',
        namespace: 'classroom',
      },
      spec: {
        parentRefs: [{ name: 'edge', namespace: 'istio-ingress' }],
        hostnames: ['classroom.brightpath.example'],
      },
    });
    expect(route.spec.rules).toEqual([
      expect.objectContaining({
        matches: [
          { path: { type: 'PathPrefix', value: '/notifications' } },
          { path: { type: 'PathPrefix', value: '/api/notifications' } },
        ],
        backendRefs: [
          expect.objectContaining({
            name: 'notification-service',
            namespace: 'notification-service',
            port: 80,
          }),
        ],
      }),
      expect.objectContaining({
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        backendRefs: [
          expect.objectContaining({
            name: 'classroom-classroom',
            namespace: 'classroom',
            port: 80,
          }),
        ],
      }),
    ]);
    expect(grant).toMatchObject({
      kind: 'ReferenceGrant',
      metadata: { namespace: 'notification-service' },
      spec: {
        from: [{ kind: 'HTTPRoute', namespace: 'classroom' }],
        to: [{ kind: 'Service', name: 'notification-service' }],
      },
    });
    const routing = await validateTree(join(out, 'routing'));
    expect(routing.problems).toEqual([]);
    expect(routing.validatedObjects).toBe(2);

    // The PR to the GitOps repository (a dry run names the branch).
    expect(rendered.log.join('\n')).toContain(
      'would open "Route notifications of classroom-monolith to notification-service (dev)" on brightpath/gitops',
    );

    // The service's record stays the golden path's, for template upgrades;
    // the extraction has its own.
    const [record] = await read(out, '.platform/template.yaml');
    expect(record.template.ref).toBe('template:default/cloud-native-service');
    const [extraction] = await read(out, '.platform/extraction.yaml');
    expect(extraction.template.ref).toBe(
      'template:default/strangler-fig-extraction',
    );
    expect(extraction.values.capability).toBe('notifications');
  });

  it('proposes the route to the GitOps repository only, not inside the new service, and says where the PR went', async () => {
    const out = join(dir, 'no-route');
    const rendered = await harness.render(TEMPLATE_DIR, values(), out);
    // The monolith's HTTPRoute and ReferenceGrant are not published with
    // the new service (the route PR and validate-manifests ran before).
    expect(rendered.files.filter(f => f.startsWith('routing/'))).toEqual([]);
    const log = rendered.log.join('\n');
    expect(log).toContain(
      'would open "Route notifications of classroom-monolith to notification-service (dev)" on brightpath/gitops',
    );
    const text = JSON.stringify(rendered.output.text);
    expect(text).toContain(
      'Routing rule: proposed as https://github.com/brightpath/gitops/pulls, branch portal/dev/apps/classroom-monolith/dev/routes/notifications into the default branch.',
    );
    expect(text).toContain(
      "Monolith's catalog entry: not in a GitHub repository",
    );
    // No route object anywhere in the new repository.
    const kinds = (await readLocalTree(out))
      .yamlDocuments()
      .map(d => (d.value as { kind?: string } | null)?.kind);
    expect(kinds).not.toContain('HTTPRoute');
    expect(kinds).not.toContain('ReferenceGrant');
  });

  it("proposes the monolith's catalog change to the branch its entry is read from", async () => {
    const template = parse(
      await fs.readFile(join(TEMPLATE_DIR, 'template.yaml'), 'utf8'),
    );
    const steps = template.spec.steps as Array<{
      id: string;
      action: string;
      input: Record<string, unknown>;
    }>;
    const pr = steps.find(step => step.id === 'monolith-pr')!;
    expect(pr.action).toBe('publish:github:pull-request');
    expect(pr.input.targetBranchName).toBe(
      '${{ steps.check.output.monolithCatalogInfoBranch }}',
    );
    const local = steps.find(step => step.id === 'route-pr-local')!;
    expect(local.input).toMatchObject({ localGitopsRepository: true });
    expect(local.input.localRepository).toBeUndefined();
    // The route leaves the workspace only after both route PR steps.
    const ids = steps.map(step => step.id);
    expect(ids.indexOf('drop-routing')).toBeGreaterThan(
      ids.indexOf('route-pr-local'),
    );
    expect(ids.indexOf('drop-routing')).toBeGreaterThan(
      ids.indexOf('route-pr-github'),
    );
    expect(ids.indexOf('drop-routing')).toBeGreaterThan(
      ids.indexOf('validate'),
    );
  });

  it('annotates the new service so that the maturity review shows the extraction', async () => {
    const out = join(dir, 'annotations');
    await harness.render(TEMPLATE_DIR, values(), out);
    const [component, api] = await read(out, 'catalog-info.yaml');
    const today = new Date().toISOString().slice(0, 10);
    expect(component.metadata.annotations).toMatchObject({
      'cloud-native-portal/extracted-from':
        'component:default/classroom-monolith',
      'cloud-native-portal/extracted-capability': 'notifications',
      'cloud-native-portal/extracted-at': today,
      'cloud-native-portal/template': 'template:default/cloud-native-service',
    });
    expect(api.kind).toBe('API');
    expect(api.metadata.annotations).toBeUndefined();

    // The catalog facts buildReview matches the monolith's capabilities on.
    const facts = await createCatalogFactCollector(
      new CatalogSnapshot([component]),
    ).collect({ entity: component, sourceTree: await readLocalTree(out) });
    expect(facts.facts).toMatchObject({
      'catalog.extractedFrom': 'component:default/classroom-monolith',
      'catalog.extractedCapability': 'notifications',
      'catalog.extractedAt': today,
    });
  });

  it('renders an Istio VirtualService with the capability first and the monolith last, proposed to the local GitOps repository', async () => {
    const out = join(dir, 'virtualservice');
    const rendered = await harness.render(
      keepRouteDir,
      values({
        capability: 'reporting',
        baseTemplate: 'event-driven-service',
        name: 'school-reports',
        bus: 'kafka',
        eventBus: 'resource:default/learning-events-topic',
        topic: 'school-reports',
        routing: 'virtualservice',
        pathPrefixes: ['/reports'],
        gateway: 'istio-ingress/classroom-gateway',
        monolithService: '',
        monolithNamespace: '',
        monolithPort: 8080,
        gitopsRepoUrl: '',
        environment: 'staging',
      }),
      out,
    );
    // Without gitopsRepoUrl the route goes to the portal's local gitops
    // repository, as a branch.
    expect(rendered.log.join('\n')).toMatch(
      /would commit "Route reporting of classroom-monolith to school-reports \(staging\)" to branch portal\/staging\/apps\/classroom-monolith\/staging\/routes\/reporting of local repository gitops \(from main\)/,
    );
    const docs = await read(out, 'routing/routes.yaml');
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'classroom-monolith-reporting' },
      spec: {
        hosts: ['classroom.brightpath.example'],
        gateways: ['istio-ingress/classroom-gateway'],
      },
    });
    // Empty monolith Service and namespace fall back to the monolith's name.
    expect(docs[0].spec.http).toEqual([
      expect.objectContaining({
        name: 'reporting',
        match: [{ uri: { prefix: '/reports' } }],
        route: [
          {
            destination: {
              host: 'school-reports.school-reports.svc.cluster.local',
              port: { number: 80 },
            },
          },
        ],
      }),
      {
        name: 'classroom-monolith',
        route: [
          {
            destination: {
              host: 'classroom-monolith.classroom-monolith.svc.cluster.local',
              port: { number: 8080 },
            },
          },
        ],
      },
    ]);
    const routing = await validateTree(join(out, 'routing'));
    expect(routing.problems).toEqual([]);
    expect(routing.validatedObjects).toBe(1);

    // The service is the event-driven golden path's, checked as the
    // template harness checks every template: schemas, grade A, and the
    // level that golden path reaches before its first deployment.
    // The template deletes routing/ after proposing it; so does this check.
    await fs.rm(join(out, 'routing'), { recursive: true });
    const [record] = await read(out, '.platform/template.yaml');
    expect(record.template.ref).toBe('template:default/event-driven-service');
    expect(rendered.files).toContain('asyncapi.yaml');
    expect((await validateTree(out)).problems).toEqual([]);
    const posture = await scanZeroTrust(out);
    expect(posture.grade).toBe('A');
    const maturity = await scanMaturity(out, {
      catalog: {
        service: catalogServiceMock({ entities: withMembership(org) }),
        credentials: mockCredentials.user(),
      },
    });
    expect(maturity.level).toBe(4);
  });

  it('stops with a clear error for a capability the monolith does not list (bad input)', async () => {
    await expect(
      harness.render(
        TEMPLATE_DIR,
        values({ capability: 'chat' }),
        join(dir, 'bad'),
      ),
    ).rejects.toThrow(
      /classroom-monolith does not list the capability \W*chat\W*; it lists: courses, enrolment, progress-tracking/,
    );
  });

  it('stops when a service already took the capability over (bad input)', async () => {
    // course-catalog-service carries extracted-capability: courses.
    await expect(
      harness.render(
        TEMPLATE_DIR,
        values({ capability: 'courses' }),
        join(dir, 'taken'),
      ),
    ).rejects.toThrow(
      /capability \W*courses\W* was already extracted to component:default\/course-catalog-service/,
    );
  });

  it('refuses a Component that is not a monolith (bad input)', async () => {
    await expect(
      harness.render(
        TEMPLATE_DIR,
        values({ monolith: 'component:default/course-catalog-service' }),
        join(dir, 'not-monolith'),
      ),
    ).rejects.toThrow(
      /course-catalog-service is of type \W*service\W*, not a monolith/,
    );
  });
});
