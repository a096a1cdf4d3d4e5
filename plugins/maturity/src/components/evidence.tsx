import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
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

/** Why a dimension is not evaluated, for tooltips and screen readers. */
export const NOT_EVALUATED_HINT =
  'None of its checks could be measured: their evidence is not connected.';

/** True when a dimension of a score has no level because nothing was measured. */
export function isNotEvaluated(d: {
  level: number | null;
  status?: 'evaluated' | 'not-evaluated';
}): boolean {
  return d.level === null || d.status === 'not-evaluated';
}

/** A dimension's level chip, or the "Not evaluated" chip when it has none. */
export function DimensionLevelChip(props: {
  level: number | null;
  status?: 'evaluated' | 'not-evaluated';
  name?: string;
}) {
  const { level, name } = props;
  if (level === null || isNotEvaluated(props)) {
    return (
      <Chip
        size="small"
        label={NOT_EVALUATED_LABEL}
        title={NOT_EVALUATED_HINT}
        data-testid="not-evaluated"
        style={{ ...NOT_EVALUATED_STYLE, fontWeight: 600 }}
      />
    );
  }
  return <LevelChip level={level} name={name} />;
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
