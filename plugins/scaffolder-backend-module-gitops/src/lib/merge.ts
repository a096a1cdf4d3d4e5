import { createHash } from 'crypto';
import { diff3Merge } from 'node-diff3';
import { gunzipSync, gzipSync } from 'zlib';

/**
 * Files larger than this are neither merged nor kept as a merge base: a
 * reviewer cannot check a merge of that size, and the record stays small.
 */
export const MERGE_LIMIT_BYTES = 128 * 1024;

// A record's generated contents never unpack to more than this.
const MAX_UNPACKED_BYTES = 32 * 1024 * 1024;

/**
 * Why a file's content cannot be merged line by line, or undefined when it
 * can: binary (a NUL byte or invalid UTF-8) or larger than the limit.
 */
export function unmergeable(content: Buffer): string | undefined {
  if (content.length > MERGE_LIMIT_BYTES) {
    return `larger than ${MERGE_LIMIT_BYTES / 1024} KiB`;
  }
  if (
    content.includes(0) ||
    !Buffer.from(content.toString('utf8'), 'utf8').equals(content)
  ) {
    return 'binary';
  }
  return undefined;
}

/** A conflict written into a merged file: its 1-based first and last line. */
export interface ConflictRange {
  start: number;
  end: number;
}

/** The result of a three-way merge of one text file. */
export interface MergedText {
  text: string;
  /** Where conflict markers were written; empty for a clean merge. */
  conflicts: ConflictRange[];
}

/** Splits a text into lines, and whether it ends with a line break. */
function lines(text: string): { lines: string[]; eol: boolean } {
  const eol = text.endsWith('\n');
  const body = eol ? text.slice(0, -1) : text;
  return { lines: body === '' && !eol ? [] : body.split('\n'), eol };
}

/**
 * Merges two descendants of a base line by line with diff3 (node-diff3):
 * changes on one side only apply; where both sides changed the same lines
 * differently, the file gets standard conflict markers, the repository's
 * lines first:
 *
 *     <<<<<<< repository
 *     …
 *     =======
 *     …
 *     >>>>>>> template 1.1.0
 */
export function mergeText(
  ours: string,
  base: string,
  theirs: string,
  labels: { ours: string; theirs: string },
): MergedText {
  const a = lines(ours);
  const o = lines(base);
  const b = lines(theirs);
  const out: string[] = [];
  const conflicts: ConflictRange[] = [];
  for (const region of diff3Merge(a.lines, o.lines, b.lines)) {
    if (region.ok) {
      out.push(...region.ok);
    } else if (region.conflict) {
      const start = out.length + 1;
      out.push(
        `<<<<<<< ${labels.ours}`,
        ...region.conflict.a,
        '=======',
        ...region.conflict.b,
        `>>>>>>> ${labels.theirs}`,
      );
      conflicts.push({ start, end: out.length });
    }
  }
  // The final line break, merged three ways too.
  const eol = a.eol === o.eol ? b.eol : a.eol;
  const text = out.join('\n') + (eol || conflicts.length > 0 ? '\n' : '');
  return { text, conflicts };
}

/** How a conflict's lines read in a pull request description. */
export function describeRanges(ranges: ConflictRange[]): string {
  return ranges
    .map(r => (r.start === r.end ? `${r.start}` : `${r.start}–${r.end}`))
    .join(', ');
}

/**
 * Packs the generated text of files (the base of the next upgrade's merge)
 * for a record: gzip of a JSON mapping of path to text, in base64. Packed,
 * the generated manifests are not read a second time by scanners of the
 * repository, and the record stays short.
 */
export function packGenerated(contents: Record<string, string>): string {
  const sorted: Record<string, string> = {};
  for (const path of Object.keys(contents).sort()) {
    sorted[path] = contents[path];
  }
  return gzipSync(Buffer.from(JSON.stringify(sorted))).toString('base64');
}

/**
 * Unpacks a record's generated contents, keeping only the files whose text
 * has the sha256 the record lists for them. Throws a plain Error with the
 * reason when the data cannot be read at all.
 */
export function unpackGenerated(
  packed: string,
  hashes: Record<string, string>,
): { contents: Map<string, string>; mismatched: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(
      gunzipSync(Buffer.from(packed, 'base64'), {
        maxOutputLength: MAX_UNPACKED_BYTES,
      }).toString('utf8'),
    );
  } catch (e) {
    throw new Error(`it cannot be unpacked (${(e as Error).message})`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('it is not a mapping of path to text');
  }
  const contents = new Map<string, string>();
  const mismatched: string[] = [];
  for (const [path, text] of Object.entries(parsed)) {
    if (typeof text !== 'string') {
      mismatched.push(path);
      continue;
    }
    const sha = createHash('sha256').update(Buffer.from(text)).digest('hex');
    if (Object.hasOwn(hashes, path) && hashes[path] === sha) {
      contents.set(path, text);
    } else {
      mismatched.push(path);
    }
  }
  return { contents, mismatched: mismatched.sort() };
}
