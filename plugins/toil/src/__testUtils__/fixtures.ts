import { Entity } from '@backstage/catalog-model';
import {
  EntityToilSummary,
  TeamToilReport,
  ToilTask,
} from '@cloud-native-portal/plugin-toil-common';
import { ToilApi } from '../api';

export const serviceEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-gateway', namespace: 'default' },
  spec: { owner: 'group:default/payments-team' },
};

export const groupEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'payments-team', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

export const task: ToilTask = {
  id: 't1',
  entityRef: 'component:default/payments-gateway',
  task: 'Reconcile failed payouts by hand',
  category: 'data fixes',
  frequency: 15,
  frequencyUnit: 'week',
  minutesPerOccurrence: 45,
  people: 2,
  automatable: 'yes',
  link: null,
  automationStatus: 'planned',
  buildHours: 60,
  automatedAt: null,
  version: 3,
  recordedBy: 'user:default/chloe.dubois',
  recordedAt: '2026-10-10T00:00:00.000Z',
  updatedBy: 'user:default/chloe.dubois',
  updatedAt: '2026-10-10T00:00:00.000Z',
};

export const summary: EntityToilSummary = {
  entityRef: 'component:default/payments-gateway',
  ownerRef: 'group:default/payments-team',
  hoursPerWeek: 61.6,
  taskCount: 9,
  team: {
    groupRef: 'group:default/payments-team',
    hoursPerWeek: 61.6,
    taskCount: 9,
    members: 3,
    toilPercent: 51.3,
    band: 'red',
  },
  topTasks: [
    { ...task, hoursPerWeek: 22.5 },
    {
      ...task,
      id: 't2',
      task: 'Investigate chargeback alerts',
      hoursPerWeek: 10,
    },
    {
      ...task,
      id: 't3',
      task: 'Manual deploy during the change window',
      hoursPerWeek: 9,
    },
  ],
  bestCandidate: {
    task,
    rank: 1,
    weeklyRepeat: true,
    hoursPerWeek: 22.5,
    yearlyHoursSaved: 1170,
    paybackMonths: 0.6,
  },
  weeklyRepeatCount: 8,
};

export const teamReport: TeamToilReport = {
  groupRef: 'group:default/payments-team',
  title: 'Payments Team',
  direct: summary.team!,
  withDescendants: summary.team!,
  hoursPerPerson: 40,
  byCategory: [
    { category: 'data fixes', hoursPerWeek: 28.5 },
    { category: 'releases and deploys', hoursPerWeek: 9 },
  ],
  backlog: [summary.bestCandidate!],
  trend: [
    { month: '2026-09', hoursPerWeek: null, newlyRecorded: 0 },
    { month: '2026-10', hoursPerWeek: 61.6, newlyRecorded: 9 },
    { month: '2026-11', hoursPerWeek: 61.6, newlyRecorded: 0 },
  ],
  entities: [],
};

export function mockToilApi(overrides: Partial<ToilApi> = {}): ToilApi {
  const fail = (name: string) => async () => {
    throw new Error(`${name} not mocked`);
  };
  return {
    listTasks: jest.fn(async () => [task]),
    createTask: jest.fn(fail('createTask')),
    updateTask: jest.fn(fail('updateTask')),
    deleteTask: jest.fn(fail('deleteTask')),
    getEntitySummary: jest.fn(async () => summary),
    getTeamReport: jest.fn(async () => teamReport),
    getTeamRanking: jest.fn(async () => []),
    getUnownedToil: jest.fn(async () => ({
      hoursPerWeek: 0,
      taskCount: 0,
      entities: [],
    })),
    previewImport: jest.fn(fail('previewImport')),
    applyImport: jest.fn(fail('applyImport')),
    exportCsv: jest.fn(async () => ''),
    ...overrides,
  };
}
