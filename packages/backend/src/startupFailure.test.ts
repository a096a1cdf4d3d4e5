/*
 * A backend that cannot start must exit non-zero, so that its supervisor
 * restarts it, rather than run on answering 503 on readiness. These tests
 * start the real backend (src/index.ts, through the CLI's TypeScript
 * transform) with the demo configuration and one fault each.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const EXIT_WITHIN_MS = 60_000;
jest.setTimeout(EXIT_WITHIN_MS + 30_000);

type Exit = { code: number | null; ms: number; output: string };

/** Runs the backend until it exits, or kills it after `EXIT_WITHIN_MS`. */
function runBackend(env: Record<string, string>): Promise<Exit> {
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [
      '-r',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      'src/index.ts',
    ],
    {
      cwd: join(__dirname, '..'),
      env: {
        ...process.env,
        NODE_ENV: 'development',
        // Nothing lands in the demo's .data/ folder.
        APP_CONFIG_scaffolder_localPublish_directory: join(
          env.APP_CONFIG_backend_database_connection_directory,
          'repos',
        ),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', d => (output += d));
  child.stderr.on('data', d => (output += d));
  return new Promise(resolve => {
    const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_WITHIN_MS);
    child.on('exit', code => {
      clearTimeout(timer);
      resolve({ code, ms: Date.now() - started, output });
    });
  });
}

describe('a backend that fails to start', () => {
  let dataDir: string;
  let blocker: Server;
  let takenPort: number;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'backend-startup-'));
    blocker = createServer();
    await new Promise<void>(r => blocker.listen(0, r));
    takenPort = (blocker.address() as { port: number }).port;
  });

  afterEach(async () => {
    await new Promise(r => blocker.close(r));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exits non-zero within seconds when its port is already taken', async () => {
    const exit = await runBackend({
      APP_CONFIG_backend_listen_port: String(takenPort),
      APP_CONFIG_backend_database_connection_directory: dataDir,
    });
    expect(exit.output).toContain('EADDRINUSE');
    expect(exit.code).toBe(1);
    expect(exit.ms).toBeLessThan(EXIT_WITHIN_MS);
  });

  it('exits non-zero within seconds when a plugin fails to start (toil.hoursPerPersonPerWeek: 500)', async () => {
    // A free port, so that only the plugin fails.
    await new Promise(r => blocker.close(r));
    blocker = createServer();
    const exit = await runBackend({
      APP_CONFIG_backend_listen_port: String(takenPort),
      APP_CONFIG_backend_database_connection_directory: dataDir,
      APP_CONFIG_toil_hoursPerPersonPerWeek: '500',
    });
    expect(exit.output).toContain('toil.hoursPerPersonPerWeek');
    expect(exit.code).toBe(1);
    expect(exit.ms).toBeLessThan(EXIT_WITHIN_MS);
  });
});
