import { Entity } from '@backstage/catalog-model';
import { Box, Typography } from '@material-ui/core';
import {
  classifyEvidenceGap,
  isMissingSourceLocation,
} from '@cloud-native-portal/plugin-maturity-common';

/** The annotation that points the scanner at a service's source tree. */
export const SOURCE_LOCATION_ANNOTATION = 'backstage.io/source-location';

/**
 * Why an entity's posture is empty, and what connects it. The recorded
 * reason is read as the maturity card reads it (`classifyEvidenceGap`).
 */
export function connectSourceAdvice(
  entity: Entity | undefined,
  reason: string | undefined,
): { why: string; how: string } {
  const annotated =
    !!entity?.metadata.annotations?.[SOURCE_LOCATION_ANNOTATION];
  const gap = reason ? classifyEvidenceGap('zeroTrust', reason) : undefined;
  const refresh = 'The next maturity refresh scans it.';
  if (
    (entity && !annotated) ||
    (reason !== undefined && isMissingSourceLocation(reason))
  ) {
    return {
      why: `This service has no ${SOURCE_LOCATION_ANNOTATION} annotation, so the scanner has no source tree to read: every control is unknown, which is not a failure.`,
      how: `Add ${SOURCE_LOCATION_ANNOTATION} to its catalog-info.yaml: url:https://github.com/<org>/<repo>/tree/main/ (with the GitHub integration configured in app-config), or dir:<path> for a checkout under an allowed local root. ${refresh}`,
    };
  }
  if (gap?.kind === 'source-location') {
    return {
      why: `The ${SOURCE_LOCATION_ANNOTATION} annotation could not be used: ${reason}.`,
      how: `${gap.what} ${refresh}`,
    };
  }
  if (gap?.kind === 'integration') {
    return {
      why: `The source tree at ${SOURCE_LOCATION_ANNOTATION} could not be read: ${reason}.`,
      how: `${gap.what} ${refresh}`,
    };
  }
  return {
    why: reason
      ? `The source tree could not be read: ${reason}.`
      : 'This service has not been scanned yet.',
    how: `Scans run with the maturity refresh and read the tree that ${SOURCE_LOCATION_ANNOTATION} points at; check that it is readable, then refresh.`,
  };
}

/** Explains an empty posture: why there is nothing, and how to connect it. */
export const ConnectSource = (props: { entity?: Entity; reason?: string }) => {
  const { why, how } = connectSourceAdvice(props.entity, props.reason);
  return (
    <Box
      role="region"
      aria-label="Connect the source"
      py={1}
      data-testid="connect-source"
    >
      <Typography variant="subtitle2">Connect the source</Typography>
      <Typography variant="body2" color="textSecondary">
        {why}
      </Typography>
      <Typography variant="body2">{how}</Typography>
    </Box>
  );
};
