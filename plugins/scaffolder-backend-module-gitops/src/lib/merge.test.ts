import { gzipSync } from 'zlib';
import { createHash } from 'crypto';
import {
  describeRanges,
  MERGE_LIMIT_BYTES,
  mergeText,
  packGenerated,
  unmergeable,
  unpackGenerated,
} from './merge';

const labels = { ours: 'repository', theirs: 'template 2.0.0' };
const sha = (text: string) =>
  createHash('sha256').update(Buffer.from(text)).digest('hex');

describe('mergeText', () => {
  it('applies changes of both sides in separate hunks', () => {
    expect(
      mergeText('A\nb\nc\nd\n', 'a\nb\nc\nd\n', 'a\nb\nc\nD\n', labels),
    ).toEqual({ text: 'A\nb\nc\nD\n', conflicts: [] });
  });

  it('marks the same line changed differently on both sides, with its lines', () => {
    expect(mergeText('a\nX\nc\n', 'a\nb\nc\n', 'a\nY\nc\n', labels)).toEqual({
      text: 'a\n<<<<<<< repository\nX\n=======\nY\n>>>>>>> template 2.0.0\nc\n',
      conflicts: [{ start: 2, end: 6 }],
    });
  });

  it('takes the same change made on both sides once (no false conflict)', () => {
    expect(mergeText('a\nZ\n', 'a\nb\n', 'a\nZ\n', labels)).toEqual({
      text: 'a\nZ\n',
      conflicts: [],
    });
  });

  it('merges the final line break three ways: a repository that dropped it keeps it dropped', () => {
    expect(mergeText('a\nb', 'a\nb\n', 'A\nb\n', labels).text).toBe('A\nb');
    expect(mergeText('a\nb\n', 'a\nb', 'a\nb\n', labels).text).toBe('a\nb\n');
  });

  it('merges into and out of an empty file', () => {
    expect(mergeText('', '', 'new\n', labels)).toEqual({
      text: 'new\n',
      conflicts: [],
    });
    expect(mergeText('a\n', 'a\n', '', labels)).toEqual({
      text: '',
      conflicts: [],
    });
  });

  it('ends a file whose last lines conflict with a line break', () => {
    const merged = mergeText('x', 'o', 'y', labels);
    expect(merged.text).toBe(
      '<<<<<<< repository\nx\n=======\ny\n>>>>>>> template 2.0.0\n',
    );
    expect(describeRanges(merged.conflicts)).toBe('1–5');
  });
});

describe('unmergeable', () => {
  it('names a binary file (a NUL byte, invalid UTF-8) and an oversized one', () => {
    expect(unmergeable(Buffer.from('text ü\n'))).toBeUndefined();
    expect(unmergeable(Buffer.from([0x61, 0x00]))).toBe('binary');
    expect(unmergeable(Buffer.from([0xff, 0xfe, 0x41]))).toBe('binary');
    expect(unmergeable(Buffer.alloc(MERGE_LIMIT_BYTES + 1, 0x61))).toBe(
      'larger than 128 KiB',
    );
  });
});

describe('packGenerated and unpackGenerated', () => {
  it('round-trips text checked against the sha256 list, and sets aside text that does not match', () => {
    const packed = packGenerated({ 'b.yaml': 'b: 1\n', 'a.yaml': 'a: 1\n' });
    const { contents, mismatched } = unpackGenerated(packed, {
      'a.yaml': sha('a: 1\n'),
      'b.yaml': sha('b: 2\n'),
    });
    expect([...contents]).toEqual([['a.yaml', 'a: 1\n']]);
    expect(mismatched).toEqual(['b.yaml']);
  });

  it('packs the same contents the same way, whatever their order', () => {
    expect(packGenerated({ a: '1', b: '2' })).toBe(
      packGenerated({ b: '2', a: '1' }),
    );
  });

  it.each([
    ['text that is not base64 gzip', 'not packed'],
    [
      'a list instead of a mapping',
      gzipSync(Buffer.from('["a"]')).toString('base64'),
    ],
  ])('refuses %s', (_what, packed) => {
    expect(() => unpackGenerated(packed, {})).toThrow(
      /cannot be unpacked|not a mapping of path to text/,
    );
  });

  it('refuses packed data that unpacks beyond 32 MiB (bad input: a gzip bomb)', () => {
    const bomb = gzipSync(
      Buffer.from(`{"a":"${'x'.repeat(33 * 1024 * 1024)}"}`),
    ).toString('base64');
    expect(() => unpackGenerated(bomb, {})).toThrow(/cannot be unpacked/);
  });
});
