import { ToilTask } from '@cloud-native-portal/plugin-toil-common';
import Papa from 'papaparse';
import { exportCsv } from './exportCsv';

const task: ToilTask = {
  id: '0b6e5f4c-2a7d-4c41-9f0e-3d2b1a0c9e8f',
  entityRef: 'component:default/payments-gateway',
  task: 'Manual deploy',
  category: 'releases and deploys',
  frequency: 3,
  frequencyUnit: 'week',
  minutesPerOccurrence: 90,
  people: 2,
  automatable: 'yes',
  link: null,
  automationStatus: 'none',
  buildHours: null,
  automatedAt: null,
  recordedBy: 'user:default/chloe.dubois',
  recordedAt: '2026-10-10T00:00:00.000Z',
  updatedBy: 'user:default/chloe.dubois',
  updatedAt: '2026-10-10T00:00:00.000Z',
  version: 1,
};

describe('exportCsv', () => {
  it.each([
    '=HYPERLINK("http://x","y")',
    '=HYPERLINK("http://x","y")\nsecond line',
    '+1+2',
    '-2+3',
    '@SUM(1,2)',
    '\t=1',
    '\r=1',
  ])('prefixes a task name starting %j with a quote', name => {
    const [row] = Papa.parse<Record<string, string>>(
      exportCsv([{ ...task, task: name }]),
      { header: true },
    ).data;
    expect(row.task).toBe(`'${name}`);
    expect(row.frequency).toBe('3');
  });
});
