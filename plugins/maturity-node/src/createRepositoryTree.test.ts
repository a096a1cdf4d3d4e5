import { createRepositoryTree } from './createRepositoryTree';

const file = (path: string, text: string) => ({
  path,
  content: Buffer.from(text),
});

describe('createRepositoryTree', () => {
  it('gives the line of the last key even when a key repeats along the path', () => {
    const tree = createRepositoryTree({
      source: 'mem',
      files: [
        file(
          'd.yaml',
          [
            'apiVersion: apps/v1',
            'kind: Deployment',
            'spec:',
            '  template:',
            '    spec:',
            '      containers: []',
          ].join('\n'),
        ),
      ],
    });
    const [doc] = tree.yamlDocuments();
    expect(doc.lineOf(['spec'])).toBe(3);
    expect(doc.lineOf(['spec', 'template', 'spec'])).toBe(5);
    expect(doc.lineOf(['spec', 'template', 'spec', 'containers'])).toBe(6);
  });

  it('stops parsing a 10,000-document file at the document limit', () => {
    const text = Array.from(
      { length: 10000 },
      (_, i) => `kind: ConfigMap\nmetadata: {name: c${i}}`,
    ).join('\n---\n');
    const tree = createRepositoryTree({
      source: 'mem',
      files: [file('many.yaml', text)],
      limits: { maxYamlDocuments: 100 },
    });
    expect(tree.yamlDocuments()).toHaveLength(100);
    const [error] = tree.yamlErrors();
    expect(error).toMatchObject({ path: 'many.yaml', kind: 'limit' });
    expect(error.message).toContain('stopped at document 101');
  });

  it('reports invalid YAML with kind, line and message', () => {
    const tree = createRepositoryTree({
      source: 'mem',
      files: [file('bad.yaml', 'a: 1\nb: [unclosed\nc: 2\n')],
    });
    expect(tree.yamlDocuments()).toHaveLength(0);
    expect(tree.yamlErrors()).toEqual([
      expect.objectContaining({
        path: 'bad.yaml',
        kind: 'invalid',
        line: expect.any(Number),
      }),
    ]);
  });

  it('leaves Helm templates unparsed, marked as such', () => {
    const tree = createRepositoryTree({
      source: 'mem',
      files: [
        file('chart/Chart.yaml', 'apiVersion: v2\nname: x\n'),
        file('chart/templates/d.yaml', 'replicas: {{ .Values.n }}\n'),
      ],
    });
    expect(tree.yamlErrors()).toEqual([
      expect.objectContaining({
        path: 'chart/templates/d.yaml',
        kind: 'helm-template',
      }),
    ]);
  });

  describe('what could not be judged', () => {
    const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: operator
spec:
  template:
    spec:
      containers:
        - name: operator
          image: ghcr.io/acme/operator:1.0.0
`;
    // ~3 MiB of ConfigMaps after the Deployment, like an install manifest.
    const hugeInstallManifest = () =>
      `${DEPLOYMENT}---\n${Array.from(
        { length: 3000 },
        (_, i) =>
          `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  blob: "${'x'.repeat(
            1000,
          )}"\n`,
      ).join('---\n')}`;

    it('a huge manifest (3 MiB, apiVersion and kind at the start) outside deployment folders is parsed, up to the manifest bound', () => {
      const text = hugeInstallManifest();
      expect(text.length).toBeGreaterThan(3 * 1024 * 1024);
      const tree = createRepositoryTree({
        source: 'test',
        files: [file('operator-install.yaml', text)],
      });
      expect(tree.skipped()).toEqual([]);
      const kinds = tree.yamlDocuments().map(d => (d.value as any).kind);
      expect(kinds[0]).toBe('Deployment');
      expect(kinds).toHaveLength(3001);
    });

    it('a huge manifest over the manifest bound is skipped with its size and the manifest bound', () => {
      const text = hugeInstallManifest();
      const tree = createRepositoryTree({
        source: 'test',
        files: [file('deploy/install.yaml', text)],
        limits: { maxManifestBytes: 2 * 1024 * 1024 },
      });
      expect(tree.skipped()).toEqual([
        expect.objectContaining({
          path: 'deploy/install.yaml',
          reason: 'too-large',
          size: Buffer.byteLength(text),
          bound: 'maxManifestBytes',
          limit: 2 * 1024 * 1024,
        }),
      ]);
    });

    it('a huge non-manifest (2 MiB YAML values file) is skipped with its size and the general file bound', () => {
      const text = `config:\n${'  key: value\n'.repeat(170_000)}`;
      const tree = createRepositoryTree({
        source: 'test',
        files: [file('chart/values.yaml', text)],
      });
      expect(tree.skipped()).toEqual([
        expect.objectContaining({
          path: 'chart/values.yaml',
          reason: 'too-large',
          size: Buffer.byteLength(text),
          bound: 'maxFileBytes',
          limit: 1024 * 1024,
        }),
      ]);
    });

    it('a tree past the file-count bound names the first file not read and how many were left out', () => {
      const tree = createRepositoryTree({
        source: 'test',
        files: Array.from({ length: 12 }, (_, i) =>
          file(`f${String(i).padStart(2, '0')}.txt`, 'x'),
        ),
        limits: { maxFiles: 10 },
      });
      expect(tree.files()).toHaveLength(10);
      expect(tree.limitsReached()).toEqual([
        expect.objectContaining({
          bound: 'maxFiles',
          limit: 10,
          at: 'f10.txt',
          leftOut: 2,
        }),
      ]);
    });
  });
});
