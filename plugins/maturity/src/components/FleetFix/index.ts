export { FleetFixButton } from './FleetFixButton';
export { FleetFixDialog } from './FleetFixDialog';
export type { FleetFixCampaign } from './FleetFixDialog';
