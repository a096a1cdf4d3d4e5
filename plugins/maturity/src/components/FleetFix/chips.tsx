import Chip from '@material-ui/core/Chip';
import type { FleetFixState, FleetRunItem } from '../../api';

const STATE_STYLE: Record<FleetFixState, { label: string; color: string }> = {
  'not-started': { label: 'Not started', color: '#616161' },
  'pr-open': { label: 'PR open', color: '#1565c0' },
  'pr-merged': { label: 'PR merged', color: '#00838f' },
  'check-passing': { label: 'Check passing', color: '#2e7d32' },
  waived: { label: 'Waived', color: '#6a1b9a' },
  failed: { label: 'Failed', color: '#c62828' },
  unknown: { label: 'Unknown', color: '#9e9e9e' },
};

/** Whether a URL can be opened from the portal's page (a web address). */
export function isWebUrl(url: string | undefined): url is string {
  return !!url && /^https?:\/\//i.test(url);
}

/**
 * Where a service's fix stands. An open pull request with a web address
 * links to it.
 */
export function FleetStateChip(props: {
  state: FleetFixState;
  pullRequestUrl?: string;
}) {
  const { state, pullRequestUrl } = props;
  const style = STATE_STYLE[state] ?? STATE_STYLE.unknown;
  const chipStyle = { backgroundColor: style.color, color: '#ffffff' };
  if (state === 'pr-open' && isWebUrl(pullRequestUrl)) {
    return (
      <Chip
        size="small"
        label={style.label}
        style={chipStyle}
        clickable
        component="a"
        href={pullRequestUrl}
        target="_blank"
        rel="noopener noreferrer"
        title={pullRequestUrl}
      />
    );
  }
  return <Chip size="small" label={style.label} style={chipStyle} />;
}

type ItemStatus = FleetRunItem['status'];

const ITEM_STYLE: Record<ItemStatus, string> = {
  pending: '#9e9e9e',
  running: '#0277bd',
  opened: '#2e7d32',
  reused: '#1565c0',
  previewed: '#00695c',
  unchanged: '#616161',
  skipped: '#ef6c00',
  failed: '#c62828',
};

/** One repository's result in a fleet run, by the status the server names. */
export function FleetItemStatusChip(props: { status: ItemStatus }) {
  const color = ITEM_STYLE[props.status] ?? '#616161';
  return (
    <Chip
      size="small"
      label={props.status}
      style={{ backgroundColor: color, color: '#ffffff' }}
    />
  );
}
