import { usePermission } from '@backstage/plugin-permission-react';
import { maturityFleetFixPermission } from '@cloud-native-portal/plugin-maturity-common';
import Button from '@material-ui/core/Button';
import { useState } from 'react';
import { FleetFixCampaign, FleetFixDialog } from './FleetFixDialog';

/**
 * "Fix across services" on a failing check that has a fix template, for
 * those allowed to open fix pull requests across the fleet (portal admins);
 * hidden for everyone else.
 */
export function FleetFixButton(props: {
  checkId: string;
  checkTitle: string;
  campaign?: FleetFixCampaign;
}) {
  const { checkId, checkTitle, campaign } = props;
  const { allowed } = usePermission({ permission: maturityFleetFixPermission });
  const [open, setOpen] = useState(false);
  if (!allowed) return null;
  return (
    <>
      <Button
        size="small"
        variant="outlined"
        color="primary"
        onClick={() => setOpen(true)}
        style={{ whiteSpace: 'nowrap' }}
        title="Open one fix pull request per service failing this check, for review"
      >
        Fix across services
      </Button>
      {open && (
        <FleetFixDialog
          checkId={checkId}
          checkTitle={checkTitle}
          campaign={campaign}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
}
