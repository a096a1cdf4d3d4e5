import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import Papa from 'papaparse';
import { resolve } from 'node:path';
import request from 'supertest';
import { ownershipPlugin } from './plugin';

jest.setTimeout(120_000);

const examples = resolve(__dirname, '../../../examples');
const user = mockCredentials.user.header();

/** The real catalog ingests the demo organization; trees are read offline. */
describe('ownership backend on the demo organization', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  let stop: () => Promise<void>;

  const entity = (name: string) =>
    request(server)
      .get(`/api/ownership/entity/component/default/${name}`)
      .set('Authorization', user);

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        ownershipPlugin,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [
                {
                  allow: [
                    'Component',
                    'System',
                    'API',
                    'Resource',
                    'Location',
                    'Domain',
                    'Group',
                    'User',
                  ],
                },
              ],
              locations: [
                { type: 'file', target: resolve(examples, 'all.yaml') },
              ],
              processingInterval: { seconds: 1 },
            },
            maturity: { allowedLocalRoots: [examples] },
            // Short TTL, so the report catches up with catalog processing.
            ownership: { cacheTtlMinutes: 0 },
          },
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
    // Wait until the catalog has processed the org and its relations.
    const deadline = Date.now() + 90_000;
    for (;;) {
      const res = await entity('classroom-monolith');
      if (
        res.status === 200 &&
        res.body.owner?.members?.length === 1 &&
        res.body.owner?.parentChain?.length === 1 &&
        (await entity('certificate-service')).status === 200
      ) {
        break;
      }
      if (Date.now() > deadline) throw new Error('catalog did not settle');
      await new Promise(r => setTimeout(r, 1000));
    }
  });

  afterAll(async () => {
    await stop?.();
  });

  const problemKinds = async (name: string) =>
    ((await entity(name)).body.problems as Array<{ kind: string }>).map(
      p => p.kind,
    );

  it('quiz-engine has a placeholder owner and no CODEOWNERS', async () => {
    const res = await entity('quiz-engine');
    expect(res.body.rawOwner).toBe('unassigned');
    expect(res.body.facts['ownership.ownerMissing']).toBe(true);
    expect(res.body.problems.map((p: any) => p.kind)).toEqual([
      'owner-missing',
      'no-oncall',
      'codeowners-missing',
    ]);
    expect(res.body.problems[0].fixTemplateRef).toBe(
      'template:default/fix-catalog-owner',
    );
  });

  it('legacy-reports is owned by a User', async () => {
    const res = await entity('legacy-reports');
    expect(res.body.owner).toMatchObject({
      kind: 'User',
      entityRef: 'user:default/dana.okafor',
    });
    expect(await problemKinds('legacy-reports')).toContain('owner-is-user');
  });

  it('search-indexer is owned by a group that does not exist', async () => {
    const res = await entity('search-indexer');
    expect(res.body.ownerRef).toBe('group:default/search-guild');
    expect(res.body.facts['ownership.ownerResolves']).toBe(false);
    expect(res.body.problems[0]).toMatchObject({
      kind: 'owner-unresolved',
      message: 'The owner group:default/search-guild is not in the catalog.',
    });
  });

  it('certificate-service is owned by a group with no members', async () => {
    const res = await entity('certificate-service');
    expect(res.body.owner).toMatchObject({
      entityRef: 'group:default/data-team',
      members: [],
    });
    expect(res.body.owner.parentChain.map((p: any) => p.name)).toEqual([
      'growth',
      'engineering',
    ]);
    expect(await problemKinds('certificate-service')).toEqual(
      expect.arrayContaining(['group-without-members', 'no-oncall']),
    );
  });

  it('enrolment-service has a CODEOWNERS naming someone else', async () => {
    const res = await entity('enrolment-service');
    expect(res.body.codeowners).toMatchObject({
      status: 'present',
      matchesOwner: false,
    });
    // The "*" rule is the default; @dokafor only owns /k8s/.
    expect(res.body.codeowners.defaultOwners).toEqual([
      '@brightpath/learning-experience',
    ]);
    expect(await problemKinds('enrolment-service')).toContain(
      'codeowners-mismatch',
    );
  });

  it('course-catalog-service is owned well, with members to reach and on-call', async () => {
    const res = await entity('course-catalog-service');
    expect(res.body.problems).toEqual([]);
    expect(res.body.validGroupOwner).toBe(true);
    expect(res.body.owner.email).toBe('courses@brightpath.example');
    expect(res.body.owner.chat[0].title).toBe('Slack');
    expect(res.body.owner.members).toHaveLength(3);
    expect(res.body.owner.parentChain.map((p: any) => p.name)).toEqual([
      'learning-experience',
      'engineering',
    ]);
    expect(res.body.oncall).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          source: 'entity',
          annotation: 'pagerduty.com/service-id',
          value: 'PBP0CAT',
        }),
      ]),
    );
  });

  it('serves coverage with lists and roll-ups through child groups', async () => {
    const res = await request(server)
      .get('/api/ownership/coverage')
      .set('Authorization', user);
    expect(res.status).toBe(200);
    const list = (kind: string) =>
      res.body.problems[kind].map((p: any) => p.entityRef);
    expect(list('owner-missing')).toEqual(['component:default/quiz-engine']);
    expect(list('owner-is-user')).toEqual(['component:default/legacy-reports']);
    expect(list('owner-unresolved')).toEqual([
      'component:default/search-indexer',
    ]);
    expect(list('group-without-members')).toEqual([
      'component:default/certificate-service',
    ]);
    expect(res.body.percentage).toBeCloseTo(
      (res.body.validGroupOwner / res.body.total) * 100,
      0,
    );
    expect(res.body.validGroupOwner).toBe(res.body.total - 3);
    const team = (name: string) =>
      res.body.teams.find((t: any) => t.groupRef === `group:default/${name}`);
    const engineering = team('engineering');
    // Everything with a valid group owner rolls up to the top.
    expect(engineering.total).toBe(res.body.validGroupOwner);
    expect(team('growth').total).toBe(
      team('growth').direct +
        team('payments-team').total +
        team('data-team').total,
    );
  });

  it('exports the coverage as CSV', async () => {
    const res = await request(server)
      .get('/api/ownership/coverage.csv')
      .set('Authorization', user);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    const rows = Papa.parse<Record<string, string>>(res.text, {
      header: true,
    }).data;
    expect(rows[0].section).toBe('summary');
    const quiz = rows.find(r => r.ref === 'component:default/quiz-engine')!;
    expect(quiz.problems.split(' ')).toContain('owner-missing');
    expect(rows.some(r => r.section === 'team')).toBe(true);
  });

  it('rejects a malformed entity name in the path, naming the field', async () => {
    const res = await request(server)
      .get('/api/ownership/entity/component/default/bad%20name')
      .set('Authorization', user);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(
      /^request\/params\/name must match pattern/,
    );
  });

  it('answers 404 for an entity that does not exist', async () => {
    const res = await entity('no-such-service');
    expect(res.status).toBe(404);
  });

  it('answers 404 for a kind that is not checked', async () => {
    const res = await request(server)
      .get('/api/ownership/entity/group/default/courses-team')
      .set('Authorization', user);
    expect(res.status).toBe(404);
  });
});
