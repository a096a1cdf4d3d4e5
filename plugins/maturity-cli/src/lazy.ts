/**
 * A module of this package loaded when a command runs, not at start.
 *
 * Node's `import()` of a CommonJS module always gives its `module.exports` as
 * `default`, but finds its named exports only when it can read them from the
 * code, which it cannot for every compiler's output (the repository runs the
 * sources through one, the published package runs compiled JavaScript).
 */
export async function loadLazily<T extends object>(
  load: Promise<T>,
): Promise<T> {
  const mod = (await load) as T & { default?: T };
  return mod.default ?? mod;
}
