import { parseTemplateVersion, readTemplateRecordRef } from './templateRecord';

const RECORD = [
  'apiVersion: cloud-native-portal.io/v1alpha1',
  'kind: TemplateRecord',
  'template:',
  '  ref: template:default/cloud-native-service',
  '  version: 1.2.0',
  'values:',
  '  name: lesson-progress',
  '',
].join('\n');

describe('readTemplateRecordRef', () => {
  it('reads the ref, the version with its line, and adopted (false when absent)', () => {
    expect(readTemplateRecordRef(RECORD)).toEqual({
      ref: 'template:default/cloud-native-service',
      version: '1.2.0',
      adopted: false,
      line: 5,
      record: {
        apiVersion: 'cloud-native-portal.io/v1alpha1',
        kind: 'TemplateRecord',
        template: {
          ref: 'template:default/cloud-native-service',
          version: '1.2.0',
        },
        values: { name: 'lesson-progress' },
      },
    });
    expect(
      readTemplateRecordRef(`${RECORD}adopted: true\nfiles: {}\n`),
    ).toMatchObject({ adopted: true });
  });

  it('refuses malformed YAML, naming the record', () => {
    expect(readTemplateRecordRef('template: [ref: x\n')).toEqual({
      error: expect.stringMatching(
        /^\.platform\/template\.yaml is not valid YAML: /,
      ),
    });
  });

  it('refuses a record without template.ref', () => {
    expect(readTemplateRecordRef('template:\n  version: 1.0.0\n')).toEqual({
      error: '.platform/template.yaml names no template.ref',
    });
    expect(readTemplateRecordRef('just text\n')).toEqual({
      error: '.platform/template.yaml names no template.ref',
    });
  });

  it.each([['1.x'], ['1.0'], ['1.0.0-rc.1'], ['latest']])(
    'refuses the version %s',
    version => {
      expect(
        readTemplateRecordRef(RECORD.replace('1.2.0', JSON.stringify(version))),
      ).toEqual({
        error: `.platform/template.yaml has no template.version of the form x.y.z (got ${JSON.stringify(
          version,
        )})`,
      });
    },
  );

  it('refuses a version written as a number, and a missing one', () => {
    expect(readTemplateRecordRef(RECORD.replace('1.2.0', '1.2'))).toEqual({
      error:
        '.platform/template.yaml has no template.version of the form x.y.z (got 1.2)',
    });
    expect(
      readTemplateRecordRef(RECORD.replace('  version: 1.2.0\n', '')),
    ).toEqual({
      error:
        '.platform/template.yaml has no template.version of the form x.y.z (got undefined)',
    });
  });

  it('refuses a record holding NUL bytes', () => {
    expect(
      readTemplateRecordRef(RECORD.replace('lesson-progress', 'lesson\0')),
    ).toEqual({
      error:
        '.platform/template.yaml is not valid YAML: it holds NUL bytes, so it is not a text file',
    });
  });

  it('refuses an adopted flag that is not a boolean', () => {
    expect(readTemplateRecordRef(`${RECORD}adopted: yes please\n`)).toEqual({
      error: '.platform/template.yaml: adopted is not true or false',
    });
  });
});

describe('parseTemplateVersion', () => {
  it('accepts x.y.z with an optional v, nothing else', () => {
    expect(parseTemplateVersion('1.10.0')).toBe('1.10.0');
    expect(parseTemplateVersion('v2.0.1')).toBe('2.0.1');
    expect(parseTemplateVersion(' 1.0.0 ')).toBe('1.0.0');
    for (const bad of ['1.x', '1', '1.0.0+build', '01.0.0', '', 1, null]) {
      expect(parseTemplateVersion(bad)).toBeUndefined();
    }
  });
});
