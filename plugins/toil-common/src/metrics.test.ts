import {
  automationRoi,
  isWeeklyRepeat,
  monthlyTrend,
  rankAutomationCandidates,
  taskHoursPerWeek,
  toilBand,
  toilPercent,
} from './metrics';
import type { ToilAuditEvent, ToilTask } from './api';
import { toilTaskInputSchema, describeIssues } from './schema';
import { guessCsvMapping, looksLikeFormula } from './csv';

const base: ToilTask = {
  id: 'a',
  entityRef: 'component:default/x',
  task: 'Manual release',
  category: 'releases and deploys',
  frequency: 1,
  frequencyUnit: 'week',
  minutesPerOccurrence: 240,
  people: 3,
  automatable: 'yes',
  automationStatus: 'planned',
  buildHours: 40,
  link: null,
  automatedAt: null,
  version: 1,
  recordedBy: 'user:default/dana.okafor',
  recordedAt: '2026-10-02T00:00:00.000Z',
  updatedBy: 'user:default/dana.okafor',
  updatedAt: '2026-10-02T00:00:00.000Z',
};

describe('toil metrics', () => {
  it('computes hours/week per the brief, with months and quarters converted', () => {
    expect(taskHoursPerWeek(base)).toBe(12);
    expect(
      taskHoursPerWeek({
        ...base,
        frequency: 2,
        frequencyUnit: 'month',
        minutesPerOccurrence: 180,
        people: 2,
      }),
    ).toBeCloseTo(2.769, 3);
    expect(taskHoursPerWeek({ ...base, automationStatus: 'automated' })).toBe(
      0,
    );
  });

  it('divides by members × hours per person and bands at 30% and 50%', () => {
    expect(toilPercent(21.4, 1)).toBeCloseTo(53.5);
    expect(toilPercent(10, 0)).toBeNull();
    expect(toilPercent(10, 1, 20)).toBe(50);
    expect([
      toilBand(50.1),
      toilBand(50),
      toilBand(30.1),
      toilBand(30),
      toilBand(null),
    ]).toEqual(['red', 'amber', 'amber', 'green', null]);
  });

  it('flags weekly repeats and ranks them first, then by payback', () => {
    const monthly = {
      ...base,
      id: 'm',
      frequency: 1,
      frequencyUnit: 'month' as const,
      buildHours: 1,
    };
    const slow = { ...base, id: 's', buildHours: 400 };
    const fast = { ...base, id: 'f', buildHours: 10 };
    const manual = { ...base, id: 'n', automatable: 'no' as const };
    expect(isWeeklyRepeat(monthly)).toBe(false);
    expect(isWeeklyRepeat(manual)).toBe(false);
    const ranked = rankAutomationCandidates([monthly, slow, fast, manual]);
    expect(ranked.map(c => c.task.id)).toEqual(['f', 's', 'm']);
    expect(automationRoi(fast)).toEqual({
      hoursPerWeek: 12,
      yearlyHoursSaved: 624,
      paybackMonths: 10 / 52,
    });
    expect(
      automationRoi({ ...fast, buildHours: null }).paybackMonths,
    ).toBeNull();
  });

  it('replays the audit trail into a monthly trend', () => {
    const events: ToilAuditEvent[] = [
      {
        id: 1,
        taskId: 'a',
        entityRef: base.entityRef,
        action: 'create',
        actor: 'x',
        at: '2026-11-01T00:00:00Z',
        before: null,
        after: { ...base, recordedAt: '2026-09-15T00:00:00Z' },
      },
      {
        id: 2,
        taskId: 'a',
        entityRef: base.entityRef,
        action: 'update',
        actor: 'x',
        at: '2026-11-10T00:00:00Z',
        before: base,
        after: { ...base, people: 1 },
      },
    ];
    expect(
      monthlyTrend(events, {
        now: new Date('2026-11-20T00:00:00Z'),
        months: 4,
      }),
    ).toEqual([
      { month: '2026-08', hoursPerWeek: null, newlyRecorded: 0 },
      { month: '2026-09', hoursPerWeek: 12, newlyRecorded: 1 },
      { month: '2026-10', hoursPerWeek: 12, newlyRecorded: 0 },
      { month: '2026-11', hoursPerWeek: 4, newlyRecorded: 0 },
    ]);
  });

  it('gives no figure, not 0 h/week, for the months before a register was first recorded, and counts what each month first recorded', () => {
    // A team writes its whole register down in October: the toil did not
    // jump from 0 in October; the months before are simply not recorded.
    const events: ToilAuditEvent[] = ['a', 'b'].map((taskId, i) => ({
      id: i + 1,
      taskId,
      entityRef: base.entityRef,
      action: 'create',
      actor: 'plugin:toil/seed',
      at: '2026-12-01T00:00:00Z',
      before: null,
      after: { ...base, id: taskId, recordedAt: '2026-10-02T00:00:00Z' },
    }));
    expect(
      monthlyTrend(events, {
        now: new Date('2026-12-06T00:00:00Z'),
        months: 6,
      }),
    ).toEqual([
      { month: '2026-07', hoursPerWeek: null, newlyRecorded: 0 },
      { month: '2026-08', hoursPerWeek: null, newlyRecorded: 0 },
      { month: '2026-09', hoursPerWeek: null, newlyRecorded: 0 },
      { month: '2026-10', hoursPerWeek: 24, newlyRecorded: 2 },
      { month: '2026-11', hoursPerWeek: 24, newlyRecorded: 0 },
      { month: '2026-12', hoursPerWeek: 24, newlyRecorded: 0 },
    ]);
  });

  it('gives no figure for any month when nothing was recorded', () => {
    expect(
      monthlyTrend([], { now: new Date('2026-12-06T00:00:00Z'), months: 2 }),
    ).toEqual([
      { month: '2026-11', hoursPerWeek: null, newlyRecorded: 0 },
      { month: '2026-12', hoursPerWeek: null, newlyRecorded: 0 },
    ]);
  });
});

describe('toil input and CSV helpers', () => {
  it('names each bad field', () => {
    const result = toilTaskInputSchema.safeParse({
      ...base,
      people: 0,
      frequency: 10000,
    });
    expect(result.success).toBe(false);
    expect(describeIssues(result.error!)).toEqual([
      'people must be at least 1',
      'frequency must be at most 2000 occurrences a week (got 10000 a week)',
    ]);
  });

  it('guesses mappings and spots formula cells', () => {
    expect(guessCsvMapping(['Service', 'Task name', 'Minutes'])).toEqual({
      entityRef: 'Service',
      task: 'Task name',
      minutesPerOccurrence: 'Minutes',
    });
    expect(
      ['=1+1', '+1', '@SUM(A1)', '\tx', '-x'].map(looksLikeFormula),
    ).toEqual([true, true, true, true, true]);
    expect(['-5', 'plain', ''].map(looksLikeFormula)).toEqual([
      false,
      false,
      false,
    ]);
  });
});
