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
});
