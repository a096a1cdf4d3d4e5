import {
  defaultCodeowners,
  findCodeowners,
  parseCodeowners,
} from './codeowners';
import { createRepositoryTree } from '../createRepositoryTree';

describe('parseCodeowners', () => {
  it('parses a valid file with comments, teams, users and emails', () => {
    const parsed = parseCodeowners(
      [
        '# Owners',
        '*            @brightpath/courses-team',
        '',
        '/deploy/     @dokafor dev@brightpath.example  # trailing comment',
        'docs/\\#1/   @brightpath/docs',
      ].join('\n'),
    );
    expect(parsed.errors).toEqual([]);
    expect(parsed.rules).toEqual([
      { pattern: '*', owners: ['@brightpath/courses-team'], line: 2 },
      {
        pattern: '/deploy/',
        owners: ['@dokafor', 'dev@brightpath.example'],
        line: 4,
      },
      { pattern: 'docs/\\#1/', owners: ['@brightpath/docs'], line: 5 },
    ]);
  });

  it('reports syntax errors per line instead of throwing', () => {
    const parsed = parseCodeowners(
      [
        '*.js',
        '*.ts  brightpath-team',
        'src/[abc/  @dokafor',
        '*     @brightpath/platform-team',
      ].join('\n'),
    );
    expect(parsed.rules).toEqual([
      { pattern: '*', owners: ['@brightpath/platform-team'], line: 4 },
    ]);
    expect(parsed.errors).toEqual([
      { line: 1, message: expect.stringContaining('no owners') },
      { line: 2, message: expect.stringContaining('"brightpath-team"') },
      { line: 3, message: expect.stringContaining('unbalanced brackets') },
    ]);
  });
});

describe('defaultCodeowners', () => {
  it('takes the last whole-repository rule', () => {
    const parsed = parseCodeowners(
      [
        '*        @brightpath/old-team',
        '/src/    @brightpath/src-team',
        '/**      @brightpath/new-team @dokafor',
        '*.md     @brightpath/docs',
      ].join('\n'),
    );
    expect(defaultCodeowners(parsed)).toEqual([
      '@brightpath/new-team',
      '@dokafor',
    ]);
  });

  it('accepts / as a whole-repository pattern and is empty without one', () => {
    expect(defaultCodeowners(parseCodeowners('/ @a/b'))).toEqual(['@a/b']);
    expect(defaultCodeowners(parseCodeowners('/src/ @a/b'))).toEqual([]);
  });
});

describe('findCodeowners', () => {
  const tree = (paths: string[]) =>
    createRepositoryTree({
      source: 'mem',
      files: paths.map(path => ({
        path,
        content: Buffer.from(`* @org/${path.replace(/\W/g, '-')}`),
      })),
    });

  it('looks in .github/, the root and docs/, in that order', () => {
    expect(findCodeowners(tree(['docs/CODEOWNERS']))?.path).toBe(
      'docs/CODEOWNERS',
    );
    expect(
      findCodeowners(tree(['CODEOWNERS', '.github/CODEOWNERS']))?.path,
    ).toBe('.github/CODEOWNERS');
    expect(findCodeowners(tree(['src/CODEOWNERS']))).toBeUndefined();
  });
});
