import { createApp } from './app';

const port = Number(process.env.PORT ?? 8080);
let ready = false;
const server = createApp({ isReady: () => ready });
server.listen(port, () => {
  ready = true;
  // Logs go to stdout as JSON, for the cluster's log pipeline.
  console.log(JSON.stringify({ level: 'info', msg: 'listening', port }));
});

// Drain connections on SIGTERM so rolling updates drop no requests.
process.on('SIGTERM', () => {
  ready = false;
  server.close(() => process.exit(0));
});
