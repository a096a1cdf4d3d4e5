import { EmptyState, Progress, WarningPanel } from '@backstage/core-components';
import { Entity, parseEntityRef } from '@backstage/catalog-model';
import Chip from '@material-ui/core/Chip';
import Button from '@material-ui/core/Button';
import {
  fixTemplatePath,
  type CheckStatus,
  type FixTemplate,
} from '@cloud-native-portal/plugin-maturity-common';
import { ReactNode } from 'react';

/** Colours of levels 1..5, red (Traditional) to green (Self-healing). */
export const LEVEL_COLORS: Record<number, string> = {
  1: '#c62828',
  2: '#ef6c00',
  3: '#f9a825',
  4: '#7cb342',
  5: '#2e7d32',
};

/** Fallback level names when the model has not loaded. */
export const LEVEL_NAMES: Record<number, string> = {
  1: 'Traditional',
  2: 'Foundational',
  3: 'Cloud-native',
  4: 'Automated',
  5: 'Self-healing',
};

/** The colour of a (possibly fractional) level. */
export function levelColor(level: number): string {
  const rounded = Math.min(5, Math.max(1, Math.round(level)));
  return LEVEL_COLORS[rounded];
}

/** Black or white text, whichever reads on the level's colour. */
export function levelTextColor(level: number): string {
  return Math.round(level) === 3 ? '#000000' : '#ffffff';
}

/** A chip showing a level and its name. */
export function LevelChip(props: { level: number; name?: string }) {
  const { level, name } = props;
  return (
    <Chip
      size="small"
      label={`L${level} ${name ?? LEVEL_NAMES[level] ?? ''}`.trim()}
      style={{
        backgroundColor: levelColor(level),
        color: levelTextColor(level),
        fontWeight: 600,
      }}
    />
  );
}

const STATUS_STYLE: Record<CheckStatus, { label: string; color: string }> = {
  pass: { label: 'Pass', color: '#2e7d32' },
  fail: { label: 'Fail', color: '#c62828' },
  waived: { label: 'Waived', color: '#6a1b9a' },
  unknown: { label: 'Unknown', color: '#616161' },
  'not-applicable': { label: 'Not applicable', color: '#9e9e9e' },
};

/** A chip showing a check's status. */
export function StatusChip(props: { status: CheckStatus }) {
  const style = STATUS_STYLE[props.status] ?? STATUS_STYLE.unknown;
  return (
    <Chip
      size="small"
      label={style.label}
      style={{ backgroundColor: style.color, color: '#ffffff' }}
    />
  );
}

/** A human name for an entity ref: `group:default/courses-team` -> `courses-team`. */
export function shortRef(ref: string | undefined): string {
  if (!ref) return '-';
  try {
    const { kind, namespace, name } = parseEntityRef(ref);
    const prefix = namespace === 'default' ? '' : `${namespace}/`;
    return kind.toLocaleLowerCase('en-US') === 'group' ||
      kind.toLocaleLowerCase('en-US') === 'component'
      ? `${prefix}${name}`
      : `${kind.toLocaleLowerCase('en-US')}:${prefix}${name}`;
  } catch {
    return ref;
  }
}

/** The catalog page path of an entity ref. */
export function entityPagePath(ref: string): string {
  const { kind, namespace, name } = parseEntityRef(ref);
  return `/catalog/${namespace}/${kind.toLocaleLowerCase('en-US')}/${name}`;
}

/**
 * The scaffolder link of a check's fix template, with `${{ entity.* }}`
 * placeholders filled from the entity (see `fixTemplateFormData`). Values
 * that do not resolve are left out so the form never shows a raw
 * placeholder.
 */
export function fixTemplateHref(
  fixTemplate: FixTemplate,
  entity: Entity,
): string {
  return fixTemplatePath(fixTemplate, entity);
}

/**
 * Renders the loading, error and empty states of one request, so a card is
 * never blank; the error names the failing request.
 */
export function RequestState(props: {
  loading: boolean;
  error?: Error;
  empty?: boolean;
  emptyTitle?: string;
  emptyDescription?: string;
  onRetry?: () => void;
  children?: ReactNode;
}) {
  const { loading, error, empty, emptyTitle, emptyDescription, onRetry } =
    props;
  if (loading) return <Progress />;
  if (error) {
    return (
      <WarningPanel severity="error" title={error.message} defaultExpanded>
        {onRetry && (
          <Button variant="outlined" size="small" onClick={onRetry}>
            Retry
          </Button>
        )}
      </WarningPanel>
    );
  }
  if (empty) {
    return (
      <EmptyState
        missing="data"
        title={emptyTitle ?? 'Nothing to show yet'}
        description={emptyDescription}
      />
    );
  }
  return <>{props.children}</>;
}
