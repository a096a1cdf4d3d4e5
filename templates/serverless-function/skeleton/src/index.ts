import { createApp } from './app';

const port = Number(process.env.PORT ?? 8080);
let ready = false;
const server = createApp({ isReady: () => ready });
server.listen(port, () => {
  ready = true;
  // Logs go to stdout as JSON, for the cluster's log pipeline.
  console.log(JSON.stringify({ level: 'info', msg: 'listening', port }));
});

// Scale-down sends SIGTERM: stop taking events, finish the ones in flight.
process.on('SIGTERM', () => {
  ready = false;
  server.close(() => process.exit(0));
});
