import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import {
  isNotEvaluated,
  noDimensionEvaluated,
} from '@cloud-native-portal/plugin-maturity-common';
import type { EntityReport } from '../api';
import { LevelChip } from './common';

/**
 * The look of a dimension that was not evaluated: neutral grey with a dashed
 * outline, so it never reads as level 1 (red).
 */
export const NOT_EVALUATED_STYLE = {
  backgroundColor: '#f5f5f5',
  color: '#424242',
  border: '1px dashed #757575',
} as const;

/** Label of a dimension none of whose checks could be measured. */
export const NOT_EVALUATED_LABEL = 'Not evaluated';

/**
 * Why a dimension is not evaluated, for tooltips and screen readers. A
 * dimension is not evaluated when no check of it passes, fails or is waived:
 * its checks are unknown (no evidence), not applicable, or both. Given the
 * dimension's counts, the hint says which; without them, it names both.
 */
export function notEvaluatedHint(
  counts: { measuredChecks?: number; totalChecks?: number } = {},
): string {
  const { measuredChecks: measured, totalChecks: total } = counts;
  if (measured === undefined || total === undefined) {
    return 'None of its checks was measured: their evidence is not connected, or they do not apply.';
  }
  if (total === 0) return 'The model defines no check for it.';
  if (measured === 0) {
    return 'None of its checks could be measured: their evidence is not connected.';
  }
  if (measured >= total) return 'None of its checks applies to this entity.';
  const unknown = total - measured;
  return `${unknown} of its ${total} checks could not be measured (their evidence is not connected), and the other ${
    measured === 1 ? 'one does' : `${measured} do`
  } not apply.`;
}

export { isNotEvaluated, noDimensionEvaluated };

/** "entity" or "entities", for a count of `n`. */
export function entitiesWord(n: number): string {
  return n === 1 ? 'entity' : 'entities';
}

/**
 * "4 entities", or "3 evaluated entities; 1 of 4 not evaluated": what a
 * roll-up's average covers, and what it leaves out because nothing of it
 * could be measured.
 */
export function evaluatedText(entityCount: number, notEvaluated: number) {
  const evaluated = entityCount - notEvaluated;
  if (notEvaluated === 0) return `${entityCount} ${entitiesWord(entityCount)}`;
  return `${evaluated} evaluated ${entitiesWord(
    evaluated,
  )}; ${notEvaluated} of ${entityCount} not evaluated`;
}

/**
 * True when a history point measured something: a point without any
 * evaluated dimension (stored as no dimension levels) has no level or score
 * to show or compare with.
 */
export function isMeasuredPoint(point: {
  dimensions: Record<string, number>;
}): boolean {
  return Object.keys(point.dimensions).length > 0;
}

/**
 * A component's state at the start of a review, when something of it was
 * measured then (see {@link isMeasuredPoint}).
 */
export function measuredBefore<
  B extends { dimensions: Record<string, number> },
>(c: { before?: B | null }): B | undefined {
  return c.before && isMeasuredPoint(c.before) ? c.before : undefined;
}

function NotEvaluatedChip(props: { hint: string }) {
  return (
    <Chip
      size="small"
      label={NOT_EVALUATED_LABEL}
      title={props.hint}
      data-testid="not-evaluated"
      style={{ ...NOT_EVALUATED_STYLE, fontWeight: 600 }}
    />
  );
}

/** A dimension's level chip, or the "Not evaluated" chip when it has none. */
export function DimensionLevelChip(props: {
  level: number | null;
  status?: 'evaluated' | 'not-evaluated';
  name?: string;
  measuredChecks?: number;
  totalChecks?: number;
}) {
  const { level, name } = props;
  if (level === null || isNotEvaluated(props)) {
    return <NotEvaluatedChip hint={notEvaluatedHint(props)} />;
  }
  return <LevelChip level={level} name={name} />;
}

/**
 * An entity's overall level chip, or the "Not evaluated" chip when none of
 * its dimensions was evaluated: level 1 would read as measured and failing.
 */
export function EntityLevelChip(props: {
  level: number;
  name?: string;
  dimensions: Array<{
    level: number | null;
    status?: 'evaluated' | 'not-evaluated';
  }>;
}) {
  if (noDimensionEvaluated(props.dimensions)) {
    return (
      <NotEvaluatedChip hint="No dimension could be evaluated: none of the entity's checks passed, failed or was waived." />
    );
  }
  return <LevelChip level={props.level} name={props.name} />;
}

/** An entity's overall score, or a dash when none of its dimensions was evaluated. */
export function entityScoreText(score: {
  score: number;
  dimensions: Array<{
    level: number | null;
    status?: 'evaluated' | 'not-evaluated';
  }>;
}): string {
  return noDimensionEvaluated(score.dimensions)
    ? '–'
    : String(Math.round(score.score));
}

/** "22 of 63 checks measured": what the level and score rest on. */
export function coverageText(coverage: { measured: number; total: number }) {
  return `${coverage.measured} of ${coverage.total} checks measured`;
}

/** The coverage line under an entity's overall score. */
export function CoverageNote(props: { report: EntityReport }) {
  const { coverage } = props.report;
  if (!coverage) return null;
  const partial = coverage.measured < coverage.total;
  return (
    <Typography
      variant="body2"
      color={partial ? 'textPrimary' : 'textSecondary'}
      aria-label="coverage"
    >
      {coverageText(coverage)}
      {partial &&
        ': the level and score rest on these only; unknown checks neither pass nor fail.'}
    </Typography>
  );
}

/**
 * The one "Connect the evidence" step: what to add so the unknown checks
 * can be measured. Nothing when every check was measured.
 */
export function ConnectEvidenceStep(props: { report: EntityReport }) {
  const step = props.report.connectEvidence;
  if (!step || step.gaps.length === 0) return null;
  return (
    <Box
      mt={1}
      mb={1}
      p={1}
      style={{ ...NOT_EVALUATED_STYLE, borderRadius: 4 }}
      role="region"
      aria-label={step.title}
    >
      <Typography variant="subtitle2">{step.title}</Typography>
      <Typography variant="body2" color="textSecondary">
        {step.unknownChecks} {step.unknownChecks === 1 ? 'check' : 'checks'}{' '}
        could not be measured. They are not failures: add this evidence and they
        are scored on the next run.
      </Typography>
      <List dense disablePadding>
        {step.gaps.map(gap => (
          <ListItem
            key={`${gap.kind}|${gap.source}|${gap.reason}`}
            disableGutters
          >
            <ListItemText
              // The theme keeps dense list text on one line and clips the
              // rest; what to connect and why wrap instead.
              style={{ whiteSpace: 'normal' }}
              primary={gap.what}
              secondary={`${gap.checks.length} ${
                gap.checks.length === 1 ? 'check waits' : 'checks wait'
              } for it${
                // A step that quotes the reason does not repeat it.
                gap.what.includes(gap.reason)
                  ? ''
                  : ` · recorded: ${gap.reason}`
              }`}
            />
          </ListItem>
        ))}
      </List>
    </Box>
  );
}
