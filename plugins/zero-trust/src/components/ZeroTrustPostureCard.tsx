import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Box, Divider, Typography } from '@material-ui/core';
import { useLocation } from 'react-router-dom';
import { ControlView } from '../api/types';
import { EvidenceList, FixSnippetView, RiskChip } from './ControlDetails';
import { ConnectSource } from './ConnectSource';
import { PostureSummary } from './PostureSummary';
import { useEntityPosture } from './usePosture';

const FailingControl = (props: { view: ControlView }) => {
  const { control, locations, reason } = props.view;
  return (
    <Box py={1} data-testid={`failing-${control.id}`}>
      <Box display="flex" alignItems="center" style={{ gap: 8 }}>
        <RiskChip risk={control.risk} />
        <Typography variant="subtitle2">{control.title}</Typography>
      </Box>
      {reason && (
        <Typography variant="body2" color="textSecondary">
          {reason}
        </Typography>
      )}
      <EvidenceList evidence={locations} max={3} />
      <Typography variant="body2">
        <strong>Fix:</strong> {control.fix}
      </Typography>
      <FixSnippetView snippet={control.fixSnippet} />
    </Box>
  );
};

/**
 * The overview's short form: the failing controls by title, Critical first,
 * and a link to the Zero trust tab for their evidence and fixes.
 */
const CompactFailing = (props: { failing: ControlView[] }) => {
  const { pathname } = useLocation();
  const tab = `${pathname.replace(/\/+$/, '')}/zero-trust`;
  const order = ['Critical', 'High', 'Medium', 'Low'];
  const failing = [...props.failing].sort(
    (a, b) => order.indexOf(a.control.risk) - order.indexOf(b.control.risk),
  );
  return (
    <Box pt={1}>
      {failing.length ? (
        <Typography variant="body2" aria-label="failing controls">
          Failing: {failing.map(v => v.control.title).join(', ')}.
        </Typography>
      ) : (
        <Typography variant="body2">No failing controls.</Typography>
      )}
      <Link to={tab}>Evidence and fixes on the Zero trust tab</Link>
    </Box>
  );
};

/**
 * Entity card: the zero-trust grade and score, failing controls first.
 * `compact` (the overview page) keeps the grade, the score and the failing
 * controls' titles, and links to the entity's Zero trust tab for the rest.
 */
export const ZeroTrustPostureCard = (props: { compact?: boolean } = {}) => {
  const { compact = false } = props;
  const { entity } = useEntity();
  const { value: posture, loading, error } = useEntityPosture();
  let body;
  if (loading) {
    body = <Progress />;
  } else if (error) {
    body = (
      <WarningPanel
        severity="error"
        defaultExpanded
        title="Could not load the zero-trust posture"
        message={error.message}
      />
    );
  } else if (!posture) {
    body = (
      <>
        <EmptyState
          missing="data"
          title="Not scanned yet"
          description="This entity has no zero-trust scan. Scans run with the maturity refresh; an entity needs a readable source location."
        />
        <ConnectSource entity={entity} />
      </>
    );
  } else if (posture.status === 'unknown') {
    // Nothing could be read: one explanation instead of every control
    // listed as unknown.
    body = (
      <>
        <PostureSummary posture={posture} />
        <Divider />
        <ConnectSource entity={entity} reason={posture.reason} />
      </>
    );
  } else {
    const failing = posture.controls.filter(c => c.status === 'fail');
    const unknown = posture.controls.filter(c => c.status === 'unknown');
    body = compact ? (
      <>
        <PostureSummary posture={posture} />
        <Divider />
        <CompactFailing failing={failing} />
      </>
    ) : (
      <>
        <PostureSummary posture={posture} />
        <Divider />
        {failing.length ? (
          failing.map(view => (
            <FailingControl key={view.control.id} view={view} />
          ))
        ) : (
          <Typography variant="body2" style={{ paddingTop: 8 }}>
            No failing controls.
          </Typography>
        )}
        {unknown.length > 0 && (
          <Box pt={1}>
            <Typography variant="subtitle2">Could not be judged</Typography>
            {unknown.map(view => (
              <Typography
                key={view.control.id}
                variant="body2"
                color="textSecondary"
              >
                {view.control.title}: {view.reason ?? 'evidence unreachable'}
              </Typography>
            ))}
          </Box>
        )}
      </>
    );
  }
  return <InfoCard title="Zero-trust posture">{body}</InfoCard>;
};
