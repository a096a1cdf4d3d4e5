import CloudQueueIcon from '@material-ui/icons/CloudQueue';

/** The portal's mark for the closed sidebar. */
export const LogoIcon = () => (
  <CloudQueueIcon style={{ color: '#7df3e1', fontSize: 30 }} />
);
