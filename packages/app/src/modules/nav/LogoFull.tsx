import { makeStyles, Typography } from '@material-ui/core';
import { LogoIcon } from './LogoIcon';

const useStyles = makeStyles({
  root: {
    display: 'flex',
    alignItems: 'center',
    gap: 10,
    color: '#7df3e1',
  },
  name: {
    color: '#ffffff',
    fontWeight: 700,
    lineHeight: 1.1,
    fontSize: 17,
    whiteSpace: 'nowrap',
  },
});

/** The portal's wordmark for the open sidebar. */
export const LogoFull = () => {
  const classes = useStyles();
  return (
    <div className={classes.root}>
      <LogoIcon />
      <Typography component="span" className={classes.name}>
        Cloud-Native
        <br />
        Portal
      </Typography>
    </div>
  );
};
