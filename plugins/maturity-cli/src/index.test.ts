import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

// Each spawn compiles the sources on the fly, which takes a few seconds.
jest.setTimeout(60_000);

const bin = resolve(__dirname, '../bin/maturity');

function run(...args: string[]) {
  const out = spawnSync(process.execPath, [bin, ...args], {
    env: { ...process.env, MATURITY_CLI_FROM_SOURCE: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
}

describe('maturity CLI: what a scan could not judge', () => {
  let base: string;
  const dir = (name: string, files: Record<string, string | Buffer> = {}) => {
    const root = join(base, name);
    mkdirSync(root, { recursive: true });
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    return root;
  };

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'maturity-cli-'));
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('an empty directory says there is nothing to judge, and fails --min-level 1', () => {
    const empty = dir('empty');
    const plain = run('scan', empty);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('nothing to judge: the directory is empty');

    const gated = run('scan', empty, '--min-level', '1');
    expect(gated.code).toBe(1);
    expect(gated.stderr).toContain(
      `nothing to judge in ${empty}: the directory is empty; level 1 cannot be met`,
    );

    const json = JSON.parse(run('scan', empty, '--format', 'json').stdout);
    expect(json.tree).toMatchObject({
      filesRead: 0,
      nothingToJudge: 'the directory is empty',
    });
  });

  it('an empty directory fails zero-trust --min-grade F', () => {
    const empty = dir('empty');
    const gated = run('zero-trust', empty, '--min-grade', 'F');
    expect(gated.code).toBe(1);
    expect(gated.stderr).toContain(
      'nothing to judge: the directory is empty; the threshold cannot be met',
    );
    expect(run('zero-trust', empty).code).toBe(0);
  });

  it('a directory with only a README says there is nothing to judge, and fails a threshold', () => {
    const readme = dir('readme', { 'README.md': '# Payments\n\nSoon.\n' });
    const plain = run('scan', readme);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain(
      'nothing to judge: it holds only documentation (README.md)',
    );
    expect(run('scan', readme, '--min-level', '1').code).toBe(1);
    const zeroTrust = run('zero-trust', readme, '--min-score', '0');
    expect(zeroTrust.code).toBe(1);
    expect(zeroTrust.stderr).toContain('nothing to judge');
  });

  it('50 binary files produce one summary line, in text and JSON', () => {
    const files: Record<string, Buffer> = {
      Dockerfile: Buffer.from('FROM node:22-alpine\n'),
    };
    for (let i = 0; i < 50; i++) {
      files[`assets/img${i}.png`] = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, i]);
    }
    const root = dir('binaries', files);
    for (const command of ['scan', 'zero-trust']) {
      const text = run(command, root);
      expect(text.code).toBe(0);
      expect(text.stdout).toContain('50 binary files skipped');
      expect(text.stdout).not.toContain('img7.png');
      const json = JSON.parse(run(command, root, '--format', 'json').stdout);
      expect(json.tree.binaryFilesSkipped).toBe(50);
      expect(json.tree.nothingToJudge).toBeUndefined();
      expect(JSON.stringify(json.warnings)).not.toContain('img7.png');
    }
  });

  it('a huge non-manifest is named with its size and the bound it went past', () => {
    const root = dir('large', {
      Dockerfile: 'FROM node:22-alpine\n',
      'data/fixtures.json': `[${'"x",'.repeat(600_000)}"x"]`,
    });
    const text = run('scan', root);
    expect(text.stdout).toContain(
      'skipped data/fixtures.json: too large (2.3 MiB, over the 1 MiB file bound)',
    );
    const json = JSON.parse(run('zero-trust', root, '--format', 'json').stdout);
    expect(json.tree.largeFilesSkipped).toEqual([
      {
        path: 'data/fixtures.json',
        size: 2_400_005,
        bound: 'maxFileBytes',
        limit: 1024 * 1024,
      },
    ]);
  });

  it('a huge manifest (3 MiB install manifest) is judged, not skipped', () => {
    const configMaps = Array.from(
      { length: 3000 },
      (_, i) =>
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  blob: "${'x'.repeat(
          1000,
        )}"\n`,
    ).join('---\n');
    const root = dir('manifest', {
      'deploy/install.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: op\nspec:\n  template:\n    spec:\n      containers:\n        - name: op\n          image: ghcr.io/acme/op:1.0.0\n          securityContext:\n            privileged: true\n---\n${configMaps}`,
    });
    const json = JSON.parse(run('zero-trust', root, '--format', 'json').stdout);
    expect(json.tree.largeFilesSkipped).toEqual([]);
    const privileged = json.results.find(
      (r: { controlId: string }) => r.controlId === 'no-privilege',
    );
    expect(privileged.status).toBe('fail');
  });

  it('walk bound reached (5,001 files): says where the walk stopped', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i <= 5000; i++) {
      files[`src/m${String(i).padStart(4, '0')}.ts`] = 'export {};\n';
    }
    const root = dir('many', files);
    const text = run('zero-trust', root);
    expect(text.stdout).toContain(
      'not judged: the walk stopped at src/m5000.ts: it had found 5000 files, the most it reads',
    );
    const json = JSON.parse(run('scan', root, '--format', 'json').stdout);
    expect(json.tree.limitsReached).toEqual([
      expect.objectContaining({
        bound: 'maxFiles',
        limit: 5000,
        at: 'src/m5000.ts',
      }),
    ]);
  });

  it('a missing --model file is named in a sentence, not a raw ENOENT', () => {
    const root = dir('svc', { Dockerfile: 'FROM node:22-alpine\n' });
    const out = run('scan', root, '--model', join(base, 'no-such-model.yaml'));
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(
      `maturity: the model file ${join(
        base,
        'no-such-model.yaml',
      )} does not exist\n`,
    );
    expect(out.stderr).not.toContain('ENOENT');
  });

  it('a missing scan path is named in a sentence, for both commands', () => {
    const missing = join(base, 'no-such-checkout');
    for (const command of ['scan', 'zero-trust']) {
      const out = run(command, missing);
      expect(out.code).toBe(2);
      expect(out.stderr).toBe(
        `maturity ${command}: the scan path ${missing} does not exist\n`,
      );
    }
  });
});

describe('maturity CLI: version, help and start-up', () => {
  const { version } = JSON.parse(
    readFileSync(resolve(__dirname, '../package.json'), 'utf8'),
  );

  it('--version prints the package version, not an unknown-option error', () => {
    for (const flag of ['--version', '-V']) {
      const out = run(flag);
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      expect(out.stdout).toBe(`${version}\n`);
    }
  });

  it('--help lists both commands and the --version option', () => {
    const out = run('--help');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('scan [options] <path>');
    expect(out.stdout).toContain('zero-trust [options] <path>');
    expect(out.stdout).toContain('-V, --version');
  });

  it('--version and --help load neither scanner (they would slow every start)', () => {
    for (const flag of ['--version', '--help']) {
      // Runs the bin in this process and lists the files it loaded.
      const script = [
        `process.argv = [process.execPath, ${JSON.stringify(
          bin,
        )}, ${JSON.stringify(flag)}];`,
        `process.on('exit', () => process.stderr.write(JSON.stringify(Object.keys(require.cache))));`,
        `require(${JSON.stringify(bin)});`,
      ].join('\n');
      const out = spawnSync(process.execPath, ['-e', script], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(out.status).toBe(0);
      const loaded: string[] = JSON.parse(out.stderr);
      expect(loaded.some(f => f.endsWith('/maturity-cli/src/index.ts'))).toBe(
        true,
      );
      expect(
        loaded.filter(f =>
          /\/(maturity-node|zero-trust-node)\/|\/maturity-cli\/src\/(scan|zeroTrust)\.ts$/.test(
            f,
          ),
        ),
      ).toEqual([]);
    }
  });
});
