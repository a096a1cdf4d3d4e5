export { FleetFixButton } from './FleetFixButton';
export { FleetFixDialog } from './FleetFixDialog';
