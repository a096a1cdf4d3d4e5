import { ANNOTATION_SOURCE_LOCATION, Entity } from '@backstage/catalog-model';
import { Box, Typography } from '@material-ui/core';
import {
  classifyEvidenceGap,
  isMissingSourceLocation,
} from '@cloud-native-portal/plugin-maturity-common';

/**
 * Why an entity's posture is empty, and what connects it. The recorded
 * reason is read as the maturity card reads it (`classifyEvidenceGap`).
 */
export function connectSourceAdvice(
  entity: Entity | undefined,
  reason: string | undefined,
): { why: string; how: string } {
  const annotated =
    !!entity?.metadata.annotations?.[ANNOTATION_SOURCE_LOCATION];
  const gap = reason ? classifyEvidenceGap('zeroTrust', reason) : undefined;
  const refresh = 'The next maturity refresh scans it.';
  if (
    (entity && !annotated) ||
    (reason !== undefined && isMissingSourceLocation(reason))
  ) {
    return {
      why: `This service has no ${ANNOTATION_SOURCE_LOCATION} annotation, so the scanner has no source tree to read: every control is unknown, which is not a failure.`,
      how: `Add ${ANNOTATION_SOURCE_LOCATION} to its catalog-info.yaml: url:https://github.com/<org>/<repo>/tree/main/ (with the GitHub integration configured in app-config), or dir:<path> for a checkout under an allowed local root. ${refresh}`,
    };
  }
  if (gap?.kind === 'source-location') {
    return {
      why: `The ${ANNOTATION_SOURCE_LOCATION} annotation could not be used: ${reason}.`,
      how: `${gap.what} ${refresh}`,
    };
  }
  if (gap?.kind === 'integration') {
    return {
      why: `The source tree at ${ANNOTATION_SOURCE_LOCATION} could not be read: ${reason}.`,
      how: `${gap.what} ${refresh}`,
    };
  }
  return {
    why: reason
      ? `The source tree could not be read: ${reason}.`
      : 'This service has not been scanned yet.',
    how: `Scans run with the maturity refresh and read the tree that ${ANNOTATION_SOURCE_LOCATION} points at; check that it is readable, then refresh.`,
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
