import { readLocalTree } from '@cloud-native-portal/plugin-maturity-node';
import {
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanRepository } from './scanRepository';

const SECRET = `apiVersion: v1
kind: Secret
metadata:
  name: leaked
stringData:
  password: hunter2
`;

describe('a symlink that points out of the tree', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'zt-symlink-'));
    mkdirSync(join(dir, 'outside'));
    writeFileSync(join(dir, 'outside', 'secret.yaml'), SECRET);
    mkdirSync(join(dir, 'repo', 'k8s'), { recursive: true });
    symlinkSync(
      join(dir, 'outside', 'secret.yaml'),
      join(dir, 'repo', 'k8s', 'secret.yaml'),
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is never followed: its content is not scanned, and it is skipped with the reason', async () => {
    const tree = await readLocalTree(join(dir, 'repo'));
    const report = await scanRepository(tree);
    const secrets = report.results.find(
      r => r.controlId === 'no-plaintext-secrets',
    )!;
    // Following the link would find the plaintext Secret and fail.
    expect(secrets.status).not.toBe('fail');
    expect(JSON.stringify(report)).not.toContain('hunter2');
    expect(tree.skipped()).toEqual([
      expect.objectContaining({
        path: 'k8s/secret.yaml',
        reason: 'symlink-outside-tree',
      }),
    ]);
  });
});
