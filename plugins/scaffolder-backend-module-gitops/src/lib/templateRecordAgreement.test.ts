import { readTemplateRecordRef } from '@cloud-native-portal/plugin-maturity-node';
import { parseTemplateRecord } from './day2';

// The maturity check (template.current) and the Day-2 upgrade read the same
// record: for every record, both accept it with the same template ref,
// version and adopted flag, or both refuse it with the same message.
const base = (template: string, rest = '') =>
  `apiVersion: cloud-native-portal.io/v1alpha1\nkind: TemplateRecord\n${template}values: { name: grading-api }\nexcluded: []\nfiles: { a.yaml: "${'0'.repeat(
    64,
  )}" }\n${rest}`;
const TEMPLATE = 'template:\n  ref: template:default/cloud-native-service\n';

const RECORDS: Array<[string, string]> = [
  ['a current record', base(`${TEMPLATE}  version: 1.2.0\n`)],
  ['a v-prefixed version', base(`${TEMPLATE}  version: v1.2.0\n`)],
  [
    'an adopted record',
    base(`${TEMPLATE}  version: 1.0.0\n`, 'adopted: true\n'),
  ],
  ['malformed YAML', 'template: [ref: x\n'],
  ['no ref', base('template:\n  version: 1.0.0\n')],
  ['an empty ref', base("template:\n  ref: ''\n  version: 1.0.0\n")],
  ['version "1.x"', base(`${TEMPLATE}  version: "1.x"\n`)],
  ['a pre-release version', base(`${TEMPLATE}  version: 1.0.0-rc.1\n`)],
  ['a version with a leading zero', base(`${TEMPLATE}  version: "01.2.0"\n`)],
  ['a numeric version', base(`${TEMPLATE}  version: 1.2\n`)],
  ['no version', base(TEMPLATE)],
  ['NUL bytes', base(`${TEMPLATE}  version: 1.0.0\n`, 'note: "a\0b"\n')],
  [
    'adopted not a boolean',
    base(`${TEMPLATE}  version: 1.0.0\n`, 'adopted: maybe\n'),
  ],
  ['not a mapping', '- just\n- a list\n'],
];

describe("day2's parseTemplateRecord and maturity-node's readTemplateRecordRef agree", () => {
  it.each(RECORDS)('%s', (_name, text) => {
    const read = readTemplateRecordRef(text);
    let parsed:
      | { ref: string; version: string; adopted: boolean }
      | { error: string };
    try {
      const { ref, version, adopted } = parseTemplateRecord(text);
      parsed = { ref, version, adopted };
    } catch (e) {
      parsed = { error: (e as Error).message };
    }
    expect(parsed).toEqual(
      'error' in read
        ? { error: read.error }
        : { ref: read.ref, version: read.version, adopted: read.adopted },
    );
  });

  it('covers accepted and refused records both', () => {
    const outcomes = RECORDS.map(([, text]) =>
      'error' in readTemplateRecordRef(text) ? 'refused' : 'accepted',
    );
    expect(new Set(outcomes)).toEqual(new Set(['accepted', 'refused']));
  });
});
