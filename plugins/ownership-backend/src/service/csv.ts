import Papa from 'papaparse';
import { OwnershipReport } from './types';

/**
 * Cells a spreadsheet would run as a formula. papaparse's own `true` setting
 * uses `/^[=+\-@\t\r].*$/`, which misses a formula followed by a line break
 * (`.` stops at `\n`), so the option gets this pattern instead.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

const COLUMNS = [
  'section',
  'ref',
  'title',
  'owner',
  'owner_ref',
  'owner_kind',
  'valid_group_owner',
  'parent_chain',
  'members',
  'oncall',
  'codeowners',
  'codeowners_default_owners',
  'problems',
  'problem_details',
  'owned_directly',
  'owned_in_total',
  'groups_below',
  'percentage',
];

/**
 * The coverage as one CSV with a `section` column: a `summary` row with the
 * percentage, one `entity` row per checked entity with its problems, and one
 * `team` row per group with its direct and rolled-up counts. Catalog text
 * that a spreadsheet would run as a formula is prefixed with a quote.
 */
export function coverageToCsv(report: OwnershipReport): string {
  const { coverage } = report;
  const summary = {
    section: 'summary',
    title: 'entities with a valid group owner',
    valid_group_owner: coverage.validGroupOwner,
    owned_in_total: coverage.total,
    percentage: coverage.percentage ?? '',
  };
  const entities = [...report.entities.values()].map(e => ({
    section: 'entity',
    ref: e.entityRef,
    title: e.title,
    owner: e.rawOwner ?? '',
    owner_ref: e.ownerRef ?? '',
    owner_kind: e.owner?.kind ?? '',
    valid_group_owner: e.validGroupOwner ? 'yes' : 'no',
    parent_chain: (e.owner?.parentChain ?? []).map(p => p.name).join(' > '),
    members: e.owner?.members.length ?? 0,
    oncall: e.oncall.map(o => `${o.source}:${o.annotation}`).join(' '),
    codeowners: e.codeowners.status,
    codeowners_default_owners: e.codeowners.defaultOwners.join(' '),
    problems: e.problems.map(p => p.kind).join(' '),
    problem_details: e.problems.map(p => p.message).join(' | '),
  }));
  const teams = coverage.teams.map(t => ({
    section: 'team',
    ref: t.groupRef,
    title: t.title,
    parent_chain: t.parentRef ?? '',
    members: t.memberCount,
    problems: t.problemCount,
    owned_directly: t.direct,
    owned_in_total: t.total,
    groups_below: t.descendantGroups.join(' '),
  }));
  return Papa.unparse([summary, ...entities, ...teams], {
    columns: COLUMNS,
    newline: '\n',
    escapeFormulae: FORMULA_START,
  });
}
