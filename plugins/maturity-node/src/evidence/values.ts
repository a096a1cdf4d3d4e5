import { Evidence } from '@cloud-native-portal/plugin-maturity-common';
import { YamlDocument } from '../repository';

/** A plain object read from parsed YAML or JSON. */
export type Obj = Record<string, any>;

/** A key path inside a YAML document. */
export type KeyPath = Array<string | number>;

/** Narrows a parsed value to a plain object (a YAML map). */
export function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a nested value by key path, or undefined. */
export function get(value: unknown, ...path: KeyPath): any {
  let node = value;
  for (const key of path) {
    if (Array.isArray(node) && typeof key === 'number') node = node[key];
    else if (isObj(node) && typeof key === 'string') node = node[key];
    else return undefined;
  }
  return node;
}

/** An array value, or an empty array. */
export function arr(value: unknown): any[] {
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

/** Whether a value is a map with at least one key. */
export function hasKeys(value: unknown): boolean {
  return isObj(value) && Object.keys(value).length > 0;
}

/** Evidence at a key path of a YAML document, falling back to the closest parent, then the document start. */
export function at(doc: YamlDocument, path: KeyPath, note?: string): Evidence {
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
