import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { FactSet } from '@cloud-native-portal/plugin-maturity-common';
import {
  FactCollector,
  createRepoFactCollector,
} from '@cloud-native-portal/plugin-maturity-node';
import { maturityCollectorsRecorder } from '@cloud-native-portal/plugin-maturity-node/testUtils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ConfigReader } from '@backstage/config';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { loadMaturityModel } from '../engine/loadModel';
import { readOutcomesConfig } from './config';
import { createCostFactCollector } from './costCollector';
import { openCostApiSource, openCostFileSource } from './opencost';
import { maturityModuleCostOutcomes } from './opencostModule';

const BASE = 'http://opencost.test:9003';
const GIB = 1024 ** 3;

function component(name: string, allocationName?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      ...(allocationName
        ? {
            annotations: {
              'cloud-native-portal.io/cost-allocation': allocationName,
            },
          }
        : {}),
    },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

/** An allocation as OpenCost's /allocation/compute returns it (its cost fields). */
function allocation(
  name: string,
  a: {
    start?: string;
    end?: string;
    cpuCost: number;
    ramCost: number;
    pvCost?: number;
    cpuRequest: number;
    cpuUsage: number;
    ramRequestGiB: number;
    ramUsageGiB: number;
  },
) {
  const start = a.start ?? '2026-11-01T00:00:00Z';
  const end = a.end ?? '2026-12-01T00:00:00Z';
  const minutes = (Date.parse(end) - Date.parse(start)) / 60_000;
  const pvCost = a.pvCost ?? 0;
  const cpuEfficiency = a.cpuRequest > 0 ? a.cpuUsage / a.cpuRequest : 0;
  const ramEfficiency =
    a.ramRequestGiB > 0 ? a.ramUsageGiB / a.ramRequestGiB : 0;
  return {
    name,
    properties: { cluster: 'default-cluster', labels: { app: name } },
    window: { start, end },
    start,
    end,
    minutes,
    cpuCores: a.cpuRequest,
    cpuCoreRequestAverage: a.cpuRequest,
    cpuCoreUsageAverage: a.cpuUsage,
    cpuCoreHours: (a.cpuRequest * minutes) / 60,
    cpuCost: a.cpuCost,
    cpuCostAdjustment: 0,
    cpuEfficiency,
    gpuCount: 0,
    gpuHours: 0,
    gpuCost: 0,
    gpuCostAdjustment: 0,
    networkTransferBytes: 0,
    networkReceiveBytes: 0,
    networkCost: 0,
    networkCostAdjustment: 0,
    loadBalancerCost: 0,
    loadBalancerCostAdjustment: 0,
    pvBytes: 0,
    pvByteHours: 0,
    pvCost,
    pvs: null,
    pvCostAdjustment: 0,
    ramBytes: a.ramRequestGiB * GIB,
    ramByteRequestAverage: a.ramRequestGiB * GIB,
    ramByteUsageAverage: a.ramUsageGiB * GIB,
    ramByteHours: (a.ramRequestGiB * GIB * minutes) / 60,
    ramCost: a.ramCost,
    ramCostAdjustment: 0,
    ramEfficiency,
    sharedCost: 0,
    externalCost: 0,
    totalCost: a.cpuCost + a.ramCost + pvCost,
    totalEfficiency:
      (cpuEfficiency * a.cpuCost + ramEfficiency * a.ramCost) /
      (a.cpuCost + a.ramCost),
    rawAllocationOnly: null,
  };
}

const MONOLITH = allocation('classroom-monolith', {
  cpuCost: 300,
  ramCost: 100,
  pvCost: 20,
  cpuRequest: 8,
  cpuUsage: 2,
  ramRequestGiB: 16,
  ramUsageGiB: 8,
});

const answer = (...sets: object[]) => ({ code: 200, data: sets });

const notes = (set: FactSet, fact: string) =>
  (set.evidence?.[fact] ?? []).map(e => e.note).join('\n');

describe('cost collector (OpenCost API)', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  const collector = (aggregate = 'label:app') =>
    createCostFactCollector({
      source: openCostApiSource({
        baseUrl: BASE,
        window: '30d',
        aggregate,
        minTimeoutMillis: 0,
        retries: 1,
      }),
      aggregate,
    });

  it('an allocation found gives the monthly cost and the idle share of requested CPU and RAM', async () => {
    const requests: URL[] = [];
    server.use(
      http.get(`${BASE}/allocation/compute`, ({ request }) => {
        requests.push(new URL(request.url));
        return HttpResponse.json(
          answer({
            'classroom-monolith': MONOLITH,
            __idle__: allocation('__idle__', {
              cpuCost: 900,
              ramCost: 300,
              cpuRequest: 0,
              cpuUsage: 0,
              ramRequestGiB: 0,
              ramUsageGiB: 0,
            }),
          }),
        );
      }),
    );
    const set = await collector().collect({
      entity: component('classroom-monolith'),
    });
    expect(set.status).toBe('ok');
    // CPU: 300 x (1 - 2/8) = 225 idle; RAM: 100 x (1 - 8/16) = 50 idle;
    // (225 + 50) / 400.
    expect(set.facts).toEqual({
      'cost.monthlyCost': 420,
      'cost.idleShare': 0.69,
    });
    expect(requests[0].searchParams.get('window')).toBe('30d');
    expect(requests[0].searchParams.get('aggregate')).toBe('label:app');
    expect(requests[0].searchParams.get('accumulate')).toBe('true');
    expect(notes(set, 'cost.monthlyCost')).toContain(
      'split: CPU 300.00 USD, RAM 100.00 USD, storage 20.00 USD',
    );
    expect(notes(set, 'cost.idleShare')).toContain(
      'CPU: requested 8.00 cores on average, used 2.00 cores; 75% of its 300.00 USD idle',
    );
    expect(notes(set, 'cost.idleShare')).toContain(
      'RAM: requested 16.00 GiB on average, used 8.00 GiB; 50% of its 100.00 USD idle',
    );
  });

  it('CPU used above its request does not offset idle RAM (each resource is clamped)', async () => {
    server.use(
      http.get(`${BASE}/allocation/compute`, () =>
        HttpResponse.json(
          answer({
            'quiz-engine': allocation('quiz-engine', {
              cpuCost: 60,
              ramCost: 40,
              cpuRequest: 1,
              cpuUsage: 1.5,
              ramRequestGiB: 2,
              ramUsageGiB: 0.5,
            }),
          }),
        ),
      ),
    );
    const set = await collector().collect({ entity: component('quiz-engine') });
    // 40 x 0.75 / 100; OpenCost's totalEfficiency would say 1.2 (no idle).
    expect(set.facts['cost.idleShare']).toBe(0.3);
  });

  it('a window of 7 days is scaled to 30, and steps of one allocation are added up', async () => {
    server.use(
      http.get(`${BASE}/allocation/compute`, () =>
        HttpResponse.json(
          answer(
            {
              search: allocation('search', {
                start: '2026-11-24T00:00:00Z',
                end: '2026-11-27T00:00:00Z',
                cpuCost: 3,
                ramCost: 1,
                cpuRequest: 1,
                cpuUsage: 0.5,
                ramRequestGiB: 1,
                ramUsageGiB: 1,
              }),
            },
            {
              search: allocation('search', {
                start: '2026-11-27T00:00:00Z',
                end: '2026-12-01T00:00:00Z',
                cpuCost: 4,
                ramCost: 2,
                cpuRequest: 1,
                cpuUsage: 0.5,
                ramRequestGiB: 1,
                ramUsageGiB: 1,
              }),
            },
          ),
        ),
      ),
    );
    const set = await collector().collect({ entity: component('search') });
    expect(set.facts['cost.monthlyCost']).toBe(42.86);
    // CPU half idle: 7 x 0.5 / 10.
    expect(set.facts['cost.idleShare']).toBe(0.35);
    expect(notes(set, 'cost.monthlyCost')).toContain(
      '10.00 USD from 2026-11-24T00:00:00.000Z to 2026-12-01T00:00:00.000Z (7 days',
    );
  });

  it('the annotation names the allocation, e.g. a namespace', async () => {
    server.use(
      http.get(`${BASE}/allocation/compute`, () =>
        HttpResponse.json(answer({ classroom: MONOLITH })),
      ),
    );
    const set = await collector('namespace').collect({
      entity: component('classroom-monolith', 'classroom'),
    });
    expect(set.facts['cost.monthlyCost']).toBe(420);
  });

  it('an allocation not found is unknown, naming the annotation to set', async () => {
    server.use(
      http.get(`${BASE}/allocation/compute`, () =>
        HttpResponse.json(answer({ 'classroom-monolith': MONOLITH })),
      ),
    );
    const set = await collector().collect({ entity: component('quiz-engine') });
    expect(set.facts).toEqual({});
    expect(set.unknown?.['cost.monthlyCost']).toBe(
      `no OpenCost allocation "quiz-engine" (aggregate label:app) in ${BASE}/allocation/compute?window=30d&aggregate=label%3Aapp&accumulate=true: set the annotation cloud-native-portal.io/cost-allocation to the service's allocation name`,
    );
    expect(set.unknown?.['cost.idleShare']).toBe(
      set.unknown?.['cost.monthlyCost'],
    );
  });

  it('an answer whose code is not 200 is unknown with OpenCost’s message', async () => {
    server.use(
      http.get(`${BASE}/allocation/compute`, () =>
        HttpResponse.json({
          code: 400,
          status: 'error',
          message: 'error parsing window (30x)',
          data: null,
        }),
      ),
    );
    const set = await collector().collect({ entity: component('search') });
    expect(set.status).toBe('unknown');
    expect(set.reason).toContain(
      'could not be read: OpenCost answered code 400: error parsing window (30x) (maturity.outcomes.opencost.baseUrl)',
    );
  });

  it('an unreachable OpenCost is unknown with the reason, never a crash', async () => {
    server.use(
      http.get(`${BASE}/allocation/compute`, () => HttpResponse.error()),
    );
    const set = await collector().collect({ entity: component('search') });
    expect(set.status).toBe('unknown');
    expect(set.reason).toMatch(
      /could not be read: OpenCost is unreachable: .* \(maturity\.outcomes\.opencost\.baseUrl\)$/,
    );
  });

  it('no OpenCost configured is unknown with the config keys', async () => {
    const set = await createCostFactCollector({
      aggregate: 'label:app',
    }).collect({ entity: component('search') });
    expect(set.status).toBe('unknown');
    expect(set.reason).toContain('maturity.outcomes.opencost.baseUrl');
    expect(set.reason).toContain('maturity.outcomes.opencost.file');
  });
});

describe('cost collector (saved answer)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(join(os.tmpdir(), 'cost-test-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('a file with bad JSON is unknown, naming the file and its config key', async () => {
    const file = join(dir, 'allocation.json');
    await fs.writeFile(file, '{"code": 200, "data": [');
    const set = await createCostFactCollector({
      source: openCostFileSource(file),
      aggregate: 'label:app',
    }).collect({ entity: component('search') });
    expect(set.status).toBe('unknown');
    expect(set.reason).toContain(
      `OpenCost's allocations at ${file} could not be read: it is not valid JSON`,
    );
    expect(set.reason).toContain('(maturity.outcomes.opencost.file)');
  });

  it('the demo answer in examples/cost gives the monolith a higher idle share than the extracted services', async () => {
    const collector = createCostFactCollector({
      source: openCostFileSource(
        resolve(
          __dirname,
          '../../../../examples/cost/opencost-allocation.json',
        ),
      ),
      aggregate: 'label:app',
    });
    const idle = async (name: string) =>
      (await collector.collect({ entity: component(name) })).facts[
        'cost.idleShare'
      ] as number;
    const monolith = await idle('classroom-monolith');
    expect(monolith).toBeGreaterThan(0.5);
    for (const extracted of [
      'course-catalog-service',
      'progress-events-consumer',
      'thumbnail-function',
    ]) {
      expect([extracted, await idle(extracted)]).toEqual([
        extracted,
        expect.any(Number),
      ]);
      expect(await idle(extracted)).toBeLessThanOrEqual(0.5);
    }
  });
});

describe('maturityModuleCostOutcomes', () => {
  async function start(data: object): Promise<FactCollector[]> {
    const maturity = maturityCollectorsRecorder();
    await startTestBackend({
      features: [
        maturity.plugin,
        maturityModuleCostOutcomes,
        mockServices.rootConfig.factory({ data }),
      ],
    });
    return maturity.collectors;
  }

  it('without maturity.outcomes.opencost, installs the cost collector, which answers unknown naming the keys', async () => {
    const added = await start({});
    expect(added.map(c => c.id)).toEqual(['cost']);
    const set = await added[0].collect({ entity: component('search') });
    expect(set.status).toBe('unknown');
    expect(set.reason).toContain('maturity.outcomes.opencost.file');
  });

  it('reads the saved answer that maturity.outcomes.opencost.file names', async () => {
    const file = join(os.tmpdir(), `cost-module-${process.pid}.json`);
    await fs.writeFile(
      file,
      JSON.stringify(answer({ 'classroom-monolith': MONOLITH })),
    );
    try {
      const added = await start({
        maturity: { outcomes: { opencost: { file, currency: 'EUR' } } },
      });
      const set = await added[0].collect({
        entity: component('classroom-monolith'),
      });
      expect(set.facts['cost.monthlyCost']).toBe(420);
      expect(notes(set, 'cost.monthlyCost')).toContain(
        'scaled to 30 days: 420.00 EUR',
      );
    } finally {
      await fs.rm(file, { force: true });
    }
  });
});

describe('maturity.outcomes.opencost config', () => {
  it.each([
    [{ opencost: {} }, 'maturity.outcomes.opencost'],
    [
      { opencost: { baseUrl: 'http://opencost:9003', file: 'a.json' } },
      'maturity.outcomes.opencost',
    ],
    [
      { opencost: { baseUrl: 'opencost 9003' } },
      'maturity.outcomes.opencost.baseUrl',
    ],
    [
      { opencost: { file: 'a.json', window: '30 days' } },
      'maturity.outcomes.opencost.window',
    ],
    [
      { opencost: { file: 'a.json', aggregate: 'label:' } },
      'maturity.outcomes.opencost.aggregate',
    ],
    [
      { opencost: { file: 'a.json', token: 'x' } },
      'maturity.outcomes.opencost',
    ],
  ])('a bad value %j is rejected naming %s', (outcomes, key) => {
    expect(() =>
      readOutcomesConfig(new ConfigReader({ maturity: { outcomes } })),
    ).toThrow(`Invalid config ${key}:`);
  });

  it('a file resolves from the working directory, with the default window, aggregate and currency', () => {
    expect(
      readOutcomesConfig(
        new ConfigReader({
          maturity: { outcomes: { opencost: { file: 'cost/a.json' } } },
        }),
        '/srv/backend',
      ).opencost,
    ).toEqual({
      file: '/srv/backend/cost/a.json',
      window: '30d',
      aggregate: 'label:app',
      currency: 'USD',
    });
  });
});

describe('the default model with the cost collector', () => {
  it('accepts its fact declarations for the idle-share check', () => {
    const model = loadMaturityModel(new ConfigReader({}), [
      createRepoFactCollector(),
      createCostFactCollector({ aggregate: 'label:app' }),
    ]);
    expect(model.checks.find(c => c.id === 'scale-idle-share')?.rule).toEqual({
      fact: 'cost.idleShare',
      lessThanOrEqual: 0.5,
    });
  });
});
