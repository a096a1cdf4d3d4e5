import { InputError } from '@backstage/errors';
import { JsonObject, JsonValue } from '@backstage/types';

/**
 * What a record keeps in place of a secret item of a list, so the other
 * items keep their positions and the secret can be put back by index.
 */
export const SECRET_PLACEHOLDER = '<secret: asked again on upgrade>';

// Segments that would reach an object's prototype instead of an answer.
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

/** One step of an answer path: a mapping key or a list index. */
export type AnswerPathSegment = string | number;

/**
 * Parses an answer path as records list them (`a.b`, `notify[0]`,
 * `notify[1].token`). Rejects segments that name an object's prototype.
 */
export function parseAnswerPath(path: string): AnswerPathSegment[] {
  const segments: AnswerPathSegment[] = [];
  for (const part of path.split('.')) {
    // A key, then any number of [index].
    const m = /^([^.[\]]+)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      throw new InputError(
        `Answer path "${path}" is not of the form name.name[0].name`,
      );
    }
    segments.push(m[1]);
    for (const index of m[2].matchAll(/\[(\d+)\]/g)) {
      segments.push(Number(index[1]));
    }
  }
  for (const segment of segments) {
    if (typeof segment === 'string' && FORBIDDEN_SEGMENTS.has(segment)) {
      throw new InputError(
        `Answer path "${path}" names "${segment}", which is not an answer`,
      );
    }
  }
  return segments;
}

// Sets an own property, even one named like an Object.prototype member.
function setOwn(target: JsonObject, key: string, value: JsonValue) {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

// Parameter names that hold credentials whatever the template says.
const SECRET_NAME =
  /(token|secret|password|passwd|passphrase|api[-_]?key|private[-_]?key|credential)/i;

// Values shaped like well-known credentials: GitHub, Slack, AWS, JWTs, PEM keys.
const SECRET_VALUE = [
  /\bgh[pousr]_[A-Za-z0-9]{20,}/,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/,
  /\bAKIA[0-9A-Z]{16}\b/,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
];

/** True when a string value looks like a credential. */
export function looksLikeSecret(value: string): boolean {
  return SECRET_VALUE.some(p => p.test(value));
}

/**
 * The parameter names a template marks as secret in its parameter schemas:
 * `ui:field: Secret`, `ui:widget: password`, or `format: password`.
 */
export function secretKeysOfParameters(parameters: unknown): string[] {
  const keys: string[] = [];
  const steps = Array.isArray(parameters) ? parameters : [parameters];
  for (const step of steps) {
    const props = (step as { properties?: Record<string, any> } | undefined)
      ?.properties;
    for (const [key, schema] of Object.entries(props ?? {})) {
      if (
        schema?.['ui:field'] === 'Secret' ||
        schema?.['ui:widget'] === 'password' ||
        schema?.format === 'password'
      ) {
        keys.push(key);
      }
    }
  }
  return keys;
}

/**
 * Removes secrets from template answers, at any depth: named keys, names
 * that say credential, values equal to a task secret, and values that look
 * like a token. Returns the cleaned answers and the paths left out.
 */
export function redactAnswers(
  values: JsonObject,
  options: { secretKeys?: string[]; secretValues?: string[] } = {},
): { values: JsonObject; excluded: string[] } {
  const named = new Set(options.secretKeys ?? []);
  const known = new Set((options.secretValues ?? []).filter(v => v.length > 0));
  const excluded: string[] = [];

  const isSecretValue = (value: JsonValue | undefined) =>
    typeof value === 'string' && (known.has(value) || looksLikeSecret(value));

  function clean(value: JsonValue, path: string): JsonValue | undefined {
    if (Array.isArray(value)) {
      // A secret item becomes a placeholder, so the other items keep their
      // index and the secret can be put back at `path[i]` on upgrade.
      return value.map(
        (v, i) => clean(v, `${path}[${i}]`) ?? SECRET_PLACEHOLDER,
      );
    }
    if (value && typeof value === 'object') {
      const out: JsonObject = {};
      for (const [key, child] of Object.entries(value)) {
        const childPath = path ? `${path}.${key}` : key;
        if (named.has(key) || SECRET_NAME.test(key)) {
          excluded.push(childPath);
          continue;
        }
        const cleaned = clean(child as JsonValue, childPath);
        if (cleaned !== undefined) setOwn(out, key, cleaned);
      }
      return out;
    }
    if (isSecretValue(value)) {
      excluded.push(path);
      return undefined;
    }
    return value;
  }

  return { values: (clean(values, '') ?? {}) as JsonObject, excluded };
}
