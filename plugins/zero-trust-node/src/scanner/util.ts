import { Evidence } from '@cloud-native-portal/plugin-maturity-common';
import { YamlDocument } from '@cloud-native-portal/plugin-maturity-node';
import {
  ControlResult,
  ControlStatus,
} from '@cloud-native-portal/plugin-zero-trust-common';

/** A plain object read from parsed YAML. */
export type Obj = Record<string, unknown>;

/** Narrows a parsed YAML value to a plain object. */
export function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a nested value by key path, or undefined. */
export function get(value: unknown, ...path: Array<string | number>): unknown {
  let node = value;
  for (const key of path) {
    if (Array.isArray(node) && typeof key === 'number') node = node[key];
    else if (isObj(node) && typeof key === 'string') node = node[key];
    else return undefined;
  }
  return node;
}

/** An array value, or an empty array. */
export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A string value, or undefined. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** True for undefined, null and `{}`. */
export function isEmptyObj(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    (isObj(value) && Object.keys(value).length === 0)
  );
}

/** Evidence at a key path of a YAML document, falling back to the document start. */
export function at(
  doc: YamlDocument,
  path: Array<string | number>,
  note?: string,
): Evidence {
  let line: number | undefined;
  for (let n = path.length; n > 0 && line === undefined; n--) {
    line = doc.lineOf(path.slice(0, n));
  }
  return { path: doc.path, line: line ?? doc.line, ...(note ? { note } : {}) };
}

/** 1-based line of a character offset in a text. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (
    let i = text.indexOf('\n');
    i !== -1 && i < offset;
    i = text.indexOf('\n', i + 1)
  ) {
    line++;
  }
  return line;
}

/** Last segment of a `/`-separated path. */
export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Directory part of a `/`-separated path ('' for the root). */
export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i === -1 ? '' : path.slice(0, i);
}

/**
 * Joins and normalizes a relative reference against a directory; returns
 * undefined when the result leaves the tree root (or the reference is absolute).
 */
export function resolveInTree(dir: string, ref: string): string | undefined {
  if (ref.startsWith('/')) return undefined;
  const parts = dir ? dir.split('/') : [];
  for (const part of ref.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return parts.join('/');
}

/** Builds a control result. */
export function result(
  controlId: string,
  status: ControlStatus,
  evidence: Evidence[],
  reason?: string,
): ControlResult {
  return { controlId, status, evidence, ...(reason ? { reason } : {}) };
}

/** Passing and failing observations for one control. */
export interface Findings {
  fail: Evidence[];
  pass: Evidence[];
  unknown: Evidence[];
}

/** Empty findings. */
export function findings(): Findings {
  return { fail: [], pass: [], unknown: [] };
}

/** Joins the notes of evidence into one reason, de-duplicated and bounded. */
export function notesOf(evidence: Evidence[], max = 5): string {
  const notes = [
    ...new Set(evidence.map(e => e.note).filter(Boolean)),
  ] as string[];
  const shown = notes.slice(0, max).join('; ');
  return notes.length > max
    ? `${shown}; and ${notes.length - max} more`
    : shown;
}

/**
 * Combines the parts of a control (for example manifests and Dockerfiles):
 * any fail fails, then any unknown is unknown, then any pass passes.
 */
export function combine(
  controlId: string,
  parts: ControlResult[],
): ControlResult {
  const order: ControlStatus[] = ['fail', 'unknown', 'pass', 'not-applicable'];
  for (const status of order) {
    const matching = parts.filter(p => p.status === status);
    if (matching.length === 0) continue;
    const reasons = matching.map(p => p.reason).filter(Boolean);
    return result(
      controlId,
      status,
      parts.flatMap(p =>
        p.status === status || status === 'pass' ? p.evidence : [],
      ),
      reasons.length ? reasons.join('; ') : undefined,
    );
  }
  return result(controlId, 'not-applicable', [], 'nothing to check');
}
