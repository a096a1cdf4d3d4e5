import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Accordion from '@material-ui/core/Accordion';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import Typography from '@material-ui/core/Typography';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import type { Evidence } from '@cloud-native-portal/plugin-maturity-common';
import type { CheckReport, EntityReport } from '../../api';
import { LEVEL_NAMES, StatusChip } from '../common';
import { DimensionLevelChip } from '../evidence';

/** One item of evidence as a line: file:line, annotation and note. */
export function evidenceText(e: Evidence): string {
  const parts: string[] = [];
  if (e.path) parts.push(e.line ? `${e.path}:${e.line}` : e.path);
  if (e.annotation) parts.push(`annotation ${e.annotation}`);
  if (e.note) parts.push(e.note);
  return parts.join(' · ');
}

const REASON_PREFIX: Partial<Record<CheckReport['status'], string>> = {
  'not-applicable': 'Not applicable: ',
  unknown: 'Unknown: ',
  waived: 'Waived: ',
};

function CheckRow(props: {
  check: CheckReport;
  onRequestWaiver?: (checkId: string) => void;
}) {
  const { check, onRequestWaiver } = props;
  return (
    <Box
      py={1}
      borderBottom="1px solid rgba(128,128,128,0.2)"
      data-testid={`check-${check.checkId}`}
    >
      <Box display="flex" alignItems="center" style={{ gap: 8 }}>
        <StatusChip status={check.status} />
        <Typography variant="body1" style={{ fontWeight: 600, flex: 1 }}>
          {check.title}
        </Typography>
        {onRequestWaiver &&
          (check.status === 'fail' || check.status === 'unknown') && (
            <Button size="small" onClick={() => onRequestWaiver(check.checkId)}>
              Request waiver
            </Button>
          )}
      </Box>
      {check.reason && (
        <Typography variant="body2" color="textSecondary">
          {REASON_PREFIX[check.status] ?? ''}
          {check.reason}
        </Typography>
      )}
      {check.why && (
        <Typography variant="body2">
          <strong>Why:</strong> {check.why}
        </Typography>
      )}
      {check.how && check.status !== 'pass' && (
        <Typography variant="body2">
          <strong>How:</strong> {check.how}
        </Typography>
      )}
      {check.evidence.length > 0 && (
        <Box component="ul" m={0} pl={2}>
          {check.evidence.map((e, i) => (
            <Typography
              component="li"
              variant="caption"
              key={i}
              style={{ fontFamily: 'monospace' }}
            >
              {evidenceText(e)}
            </Typography>
          ))}
        </Box>
      )}
    </Box>
  );
}

function summary(checks: CheckReport[]): string {
  const count = (s: string) => checks.filter(c => c.status === s).length;
  return `${count('pass')} pass · ${count('fail')} fail · ${count(
    'unknown',
  )} unknown · ${count('waived')} waived`;
}

/** Every check of a scorecard, grouped by dimension and then by level. */
export function ChecksByDimension(props: {
  report: EntityReport;
  onRequestWaiver?: (checkId: string) => void;
}) {
  const { report, onRequestWaiver } = props;
  const dimensionIds = [
    ...report.dimensions.map(d => d.dimension),
    ...report.checks
      .map(c => c.dimension)
      .filter(d => !report.dimensions.some(x => x.dimension === d)),
  ].filter((d, i, all) => all.indexOf(d) === i);

  return (
    <Box>
      {dimensionIds.map(id => {
        const dimension = report.dimensions.find(d => d.dimension === id);
        const checks = report.checks.filter(c => c.dimension === id);
        const levels = [...new Set(checks.map(c => c.level))].sort();
        return (
          <Accordion key={id} defaultExpanded={dimension?.level !== 5}>
            <AccordionSummary expandIcon={<ExpandMoreIcon />}>
              <Box display="flex" alignItems="center" style={{ gap: 12 }}>
                <Typography variant="h6" component="h3">
                  {dimension?.title ?? id}
                </Typography>
                {dimension && (
                  <DimensionLevelChip
                    level={dimension.level}
                    status={dimension.status}
                    name={dimension.levelName}
                    measuredChecks={dimension.measuredChecks}
                    totalChecks={dimension.totalChecks}
                  />
                )}
                <Typography variant="body2" color="textSecondary">
                  {summary(checks)}
                </Typography>
              </Box>
            </AccordionSummary>
            <AccordionDetails>
              <Box width="100%">
                {levels.map(level => (
                  <Box key={level} mb={2}>
                    <Typography variant="overline">
                      Level {level}: {LEVEL_NAMES[level]}
                    </Typography>
                    {checks
                      .filter(c => c.level === level)
                      .map(c => (
                        <CheckRow
                          key={c.checkId}
                          check={c}
                          onRequestWaiver={onRequestWaiver}
                        />
                      ))}
                  </Box>
                ))}
              </Box>
            </AccordionDetails>
          </Accordion>
        );
      })}
    </Box>
  );
}
