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

/** A toil % with its band as a coloured chip, or why it is undefined. */
export function ToilPercentChip(props: {
  percent: number | null;
  band: ToilBand | null;
  reason?: string;
}) {
  const { percent, band, reason } = props;
  if (percent === null || band === null) {
    return (
      <Chip
        size="small"
        variant="outlined"
        label="toil % undefined"
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
