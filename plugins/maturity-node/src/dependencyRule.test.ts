import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Dependencies point downward: -common, then -node, then backend and
 * frontend. This reads every package manifest of the repository and fails
 * when a package depends on a backend plugin or backend module of this
 * repository. Only packages/backend, which assembles the backend, may.
 *
 * devDependencies are allowed for backend plugins and modules only: their
 * tests start a test backend with another of this repository's backend
 * plugins or modules (for example the maturity plugin with the zero-trust
 * module) to check that they work together. A devDependency is never
 * installed with the package, so it does not change what the package's
 * code can import at run time. Libraries, the CLI and frontend packages
 * may not even dev-depend on a backend plugin: their tests must exercise
 * the library code that the backend itself runs.
 */

interface Manifest {
  /** Path of the package.json relative to the repository root. */
  file: string;
  name: string;
  role?: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const BACKEND_ROLES = new Set(['backend-plugin', 'backend-plugin-module']);
/** Packages that assemble the product and may depend on anything. */
const ASSEMBLIES = new Set(['backend']);

/** Every rule violation among the given manifests, one sentence each. */
function dependencyViolations(manifests: Manifest[]): string[] {
  const roleOf = new Map(manifests.map(m => [m.name, m.role]));
  const violations: string[] = [];
  for (const m of manifests) {
    if (ASSEMBLIES.has(m.role ?? '')) continue;
    const sections: Array<
      'dependencies' | 'peerDependencies' | 'devDependencies'
    > = ['dependencies', 'peerDependencies'];
    if (!BACKEND_ROLES.has(m.role ?? '')) sections.push('devDependencies');
    for (const section of sections) {
      for (const dep of Object.keys(m[section] ?? {})) {
        const role = roleOf.get(dep);
        if (role && BACKEND_ROLES.has(role)) {
          violations.push(
            `${m.file}: ${m.name} (${
              m.role ?? 'no role'
            }) lists ${dep} (${role}) in ${section}`,
          );
        }
      }
    }
  }
  return violations;
}

function readManifests(root: string): Manifest[] {
  return ['plugins', 'packages'].flatMap(dir =>
    readdirSync(join(root, dir), { withFileTypes: true })
      .filter(d => d.isDirectory())
      .map(d => join(dir, d.name, 'package.json'))
      .filter(file => existsSync(join(root, file)))
      .map(file => {
        const json = JSON.parse(readFileSync(join(root, file), 'utf8'));
        return { ...json, file, role: json.backstage?.role };
      }),
  );
}

const root = resolve(__dirname, '../../..');

describe('dependencies point downward', () => {
  it('no package of this repository depends on a backend plugin or module, except packages/backend', () => {
    const manifests = readManifests(root);
    expect(manifests.length).toBeGreaterThan(10);
    expect(dependencyViolations(manifests)).toEqual([]);
  });

  const backendPlugin: Manifest = {
    file: 'plugins/x-backend/package.json',
    name: 'x-backend',
    role: 'backend-plugin',
  };

  it('a CLI that depends on a backend plugin is a violation', () => {
    expect(
      dependencyViolations([
        backendPlugin,
        {
          file: 'plugins/x-cli/package.json',
          name: 'x-cli',
          role: 'cli',
          dependencies: { 'x-backend': 'workspace:^' },
        },
      ]),
    ).toEqual([
      'plugins/x-cli/package.json: x-cli (cli) lists x-backend (backend-plugin) in dependencies',
    ]);
  });

  it('a node library that dev-depends on a backend plugin is a violation', () => {
    expect(
      dependencyViolations([
        backendPlugin,
        {
          file: 'plugins/x-node/package.json',
          name: 'x-node',
          role: 'node-library',
          devDependencies: { 'x-backend': 'workspace:^' },
        },
      ]),
    ).toHaveLength(1);
  });

  it('a backend module that peer-depends on a backend plugin is a violation, a test-only devDependency is not', () => {
    const violations = dependencyViolations([
      backendPlugin,
      {
        file: 'plugins/x-backend-module-y/package.json',
        name: 'x-backend-module-y',
        role: 'backend-plugin-module',
        peerDependencies: { 'x-backend': 'workspace:^' },
        devDependencies: { 'x-backend': 'workspace:^' },
      },
    ]);
    expect(violations).toEqual([
      'plugins/x-backend-module-y/package.json: x-backend-module-y (backend-plugin-module) lists x-backend (backend-plugin) in peerDependencies',
    ]);
  });

  it('the backend assembly may depend on backend plugins', () => {
    expect(
      dependencyViolations([
        backendPlugin,
        {
          file: 'packages/backend/package.json',
          name: 'backend',
          role: 'backend',
          dependencies: { 'x-backend': 'workspace:^' },
        },
      ]),
    ).toEqual([]);
  });
});
