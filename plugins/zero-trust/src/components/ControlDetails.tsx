import { Box, Chip, Typography } from '@material-ui/core';
import { Fragment } from 'react';
import { Evidence } from '@cloud-native-portal/plugin-maturity-common';
import {
  ControlRisk,
  ControlStatus,
  FixSnippet,
} from '@cloud-native-portal/plugin-zero-trust-common';

const RISK_COLORS: Record<ControlRisk, string> = {
  Critical: '#b71c1c',
  High: '#e65100',
  Medium: '#f9a825',
  Low: '#607d8b',
};

const STATUS_LABELS: Record<ControlStatus, string> = {
  pass: 'Pass',
  fail: 'Fail',
  unknown: 'Unknown',
  'not-applicable': 'Not applicable',
};

const STATUS_COLORS: Record<ControlStatus, string> = {
  pass: '#2e7d32',
  fail: '#c62828',
  unknown: '#757575',
  'not-applicable': '#9e9e9e',
};

/** A control's risk as a small colored chip. */
export const RiskChip = (props: { risk: ControlRisk }) => (
  <Chip
    size="small"
    label={props.risk}
    style={{ backgroundColor: RISK_COLORS[props.risk], color: '#fff' }}
  />
);

/** A control's status as a small colored chip. */
export const StatusChip = (props: { status: ControlStatus }) => (
  <Chip
    size="small"
    variant="outlined"
    label={STATUS_LABELS[props.status]}
    style={{
      borderColor: STATUS_COLORS[props.status],
      color: STATUS_COLORS[props.status],
    }}
  />
);

/** Formats one piece of evidence as `file:line`, or the annotation. */
export function formatEvidence(evidence: Evidence): string {
  if (evidence.path) {
    return evidence.line ? `${evidence.path}:${evidence.line}` : evidence.path;
  }
  return evidence.annotation ?? evidence.note ?? '';
}

/**
 * A path that a narrow column may wrap after each '/', never inside a file or
 * folder name: a line-break opportunity follows every separator.
 */
export const WrappablePath = (props: { text: string }) => {
  const parts = props.text.split('/');
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {part}
          {i < parts.length - 1 && (
            <>
              /<wbr />
            </>
          )}
        </Fragment>
      ))}
    </>
  );
};

/** The files and lines (or annotations) behind a control, as code. */
export const EvidenceList = (props: { evidence: Evidence[]; max?: number }) => {
  const max = props.max ?? 5;
  if (!props.evidence.length) return null;
  const shown = props.evidence.slice(0, max);
  return (
    <Box component="span" display="block">
      {shown.map((e, i) => (
        <Typography
          key={i}
          variant="body2"
          component="code"
          style={{
            display: 'block',
            fontFamily: 'monospace',
            wordBreak: 'normal',
            overflowWrap: 'normal',
          }}
        >
          <WrappablePath text={formatEvidence(e)} />
          {e.note && (e.path || e.annotation) ? ` (${e.note})` : ''}
        </Typography>
      ))}
      {props.evidence.length > max && (
        <Typography variant="caption" color="textSecondary">
          and {props.evidence.length - max} more
        </Typography>
      )}
    </Box>
  );
};

/**
 * A control's fix as a file to add or change, folded under its path so a
 * table row stays short; open, the text can be selected and copied.
 */
export const FixSnippetView = (props: { snippet?: FixSnippet }) => {
  const { snippet } = props;
  if (!snippet) return null;
  return (
    <Box component="details" mt={0.5}>
      <Typography
        variant="body2"
        component="summary"
        style={{ cursor: 'pointer' }}
      >
        Show the fix for {snippet.path}
      </Typography>
      <Box
        component="pre"
        aria-label={`Fix for ${snippet.path}`}
        m={0}
        mt={0.5}
        p={1}
        style={{
          fontFamily: 'monospace',
          fontSize: 12,
          whiteSpace: 'pre',
          overflowX: 'auto',
          maxWidth: 480,
          background: 'rgba(127, 127, 127, 0.12)',
          borderRadius: 4,
        }}
      >
        {snippet.content}
      </Box>
    </Box>
  );
};
