import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import {
  Box,
  Chip,
  List,
  ListItem,
  ListItemText,
  Typography,
} from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { ownershipApiRef } from '../api/OwnershipApi';
import { Contact, EntityOwnership, PROBLEM_TITLES } from '../api/types';
import { fixTemplateUrl } from './fixLink';

function Reach(props: { contact: Contact }) {
  const { email, chat } = props.contact;
  if (!email && chat.length === 0) {
    return <Typography variant="body2">no email or chat listed</Typography>;
  }
  return (
    <Box component="span" display="inline-flex" style={{ gap: 8 }}>
      {email && <Link to={`mailto:${email}`}>{email}</Link>}
      {chat.map(c => (
        <Link key={c.url} to={c.url}>
          {c.title}
        </Link>
      ))}
    </Box>
  );
}

/** The owner, its parent chain, members, on-call and problems. */
export function OwnershipDetails(props: { ownership: EntityOwnership }) {
  const { ownership: o } = props;
  return (
    <>
      <Typography variant="subtitle2">Owner</Typography>
      {o.owner ? (
        <Box mb={2}>
          <Typography variant="body1">
            <EntityRefLink entityRef={o.owner.entityRef} /> ({o.owner.kind})
          </Typography>
          {o.owner.parentChain.length > 0 && (
            <Typography variant="body2" aria-label="parent chain">
              Part of{' '}
              {o.owner.parentChain.map((p, i) => (
                <span key={p.entityRef}>
                  {i > 0 && ' › '}
                  <EntityRefLink entityRef={p.entityRef} title={p.title} />
                </span>
              ))}
            </Typography>
          )}
          <Reach contact={o.owner} />
        </Box>
      ) : (
        <Typography variant="body1" paragraph>
          {o.rawOwner ? `"${o.rawOwner}" (not in the catalog)` : 'none'}
        </Typography>
      )}

      {o.owner?.kind === 'Group' && (
        <>
          <Typography variant="subtitle2">
            Members ({o.owner.members.length})
          </Typography>
          {o.owner.members.length === 0 ? (
            <Typography variant="body2" paragraph>
              This group has no members.
            </Typography>
          ) : (
            <List dense disablePadding>
              {o.owner.members.map(m => (
                <ListItem key={m.entityRef} disableGutters>
                  <ListItemText
                    primary={
                      <EntityRefLink entityRef={m.entityRef} title={m.title} />
                    }
                    secondary={<Reach contact={m} />}
                  />
                </ListItem>
              ))}
            </List>
          )}
        </>
      )}

      <Typography variant="subtitle2">On-call</Typography>
      {o.oncall.length === 0 ? (
        <Typography variant="body2" paragraph>
          No PagerDuty or Opsgenie annotation on this entity or its owner.
        </Typography>
      ) : (
        <Box mb={2}>
          {o.oncall.map(c => (
            <Typography variant="body2" key={`${c.source}-${c.annotation}`}>
              {c.provider}: {c.value} (
              {c.source === 'entity' ? 'this entity' : 'owner'},{' '}
              <code>{c.annotation}</code>)
            </Typography>
          ))}
        </Box>
      )}

      <Typography variant="subtitle2">
        Problems ({o.problems.length})
      </Typography>
      {o.problems.length === 0 ? (
        <Typography variant="body2">
          No ownership problems found: a staffed group owns this.
        </Typography>
      ) : (
        <List dense disablePadding>
          {o.problems.map(p => (
            <ListItem key={p.kind} disableGutters alignItems="flex-start">
              <ListItemText
                // The theme keeps dense list text on one line and clips the
                // rest; a problem and its fix wrap instead.
                style={{ whiteSpace: 'normal' }}
                primary={
                  <>
                    <Chip
                      size="small"
                      label={PROBLEM_TITLES[p.kind] ?? p.kind}
                      style={{ marginRight: 8 }}
                    />
                    {p.message}
                  </>
                }
                secondary={
                  <>
                    Fix: {p.fix}
                    {p.fixTemplateRef && (
                      <>
                        {' '}
                        <Link
                          to={fixTemplateUrl(p.fixTemplateRef, o.entityRef)}
                        >
                          Open a pull request
                        </Link>
                      </>
                    )}
                  </>
                }
              />
            </ListItem>
          ))}
        </List>
      )}
      {o.codeowners.status === 'unknown' && (
        // Not checked is not "fine": say so, and why.
        <Typography variant="body2" color="textSecondary">
          CODEOWNERS not checked
          {o.codeowners.reason ? `: ${o.codeowners.reason}` : ''}.
        </Typography>
      )}
    </>
  );
}

/** Entity card: who owns this entity and whether they can be reached. */
export function OwnershipCard() {
  const { entity } = useEntity();
  const api = useApi(ownershipApiRef);
  const ref = getCompoundEntityRef(entity);
  const state = useAsync(
    () => api.getEntityOwnership(ref),
    [api, ref.kind, ref.namespace, ref.name],
  );
  let body;
  if (state.loading) body = <Progress />;
  else if (state.error)
    body = (
      <WarningPanel
        severity="error"
        defaultExpanded
        title="Could not load the ownership of this entity"
        message={state.error.message}
      />
    );
  else if (!state.value)
    body = (
      <EmptyState
        missing="data"
        title="No ownership report yet"
        description="The ownership report has not been computed yet."
      />
    );
  else body = <OwnershipDetails ownership={state.value} />;
  return <InfoCard title="Ownership">{body}</InfoCard>;
}
