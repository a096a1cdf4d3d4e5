import { Chip } from '@material-ui/core';
import { ToilBand } from '@cloud-native-portal/plugin-toil-common';

/** Colours of the bands, shared by chips and charts. */
export const BAND_COLORS: Record<ToilBand, string> = {
  red: '#d32f2f',
  amber: '#ed8c00',
  green: '#2e7d32',
};

/** Hours with one decimal and a unit. */
export function formatHours(hours: number): string {
  return `${hours.toFixed(1)} h/week`;
}

/** A toil % with its band as a coloured chip, or why it is unknown. */
export function ToilPercentChip(props: {
  percent: number | null;
  band: ToilBand | null;
  reason?: string;
  /**
   * Rows in the register behind the figure. With none, nothing was measured:
   * the chip says "no toil recorded" rather than a green 0%.
   */
  taskCount?: number;
}) {
  const { percent, band, reason } = props;
  if (props.taskCount === 0) {
    return (
      <Chip
        size="small"
        variant="outlined"
        label="no toil recorded"
        title="Nobody has recorded operations tasks here yet; 0% would claim there is no toil."
      />
    );
  }
  if (percent === null || band === null) {
    return (
      <Chip
        size="small"
        variant="outlined"
        // A share of no capacity (no members, no owning team) cannot be
        // computed: unknown, with the reason on hover.
        label="toil % unknown"
        title={reason}
      />
    );
  }
  return (
    <Chip
      size="small"
      label={`${percent.toFixed(0)}% toil (${band})`}
      style={{ backgroundColor: BAND_COLORS[band], color: '#fff' }}
    />
  );
}

/** Downloads text as a file in the browser. */
export function downloadText(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}
