import { RepositoryTree } from '../repository';

/** The repository's own policy files: dependency updates and a security policy. */
export interface PolicyFiles {
  /** Dependabot or Renovate configurations (a `renovate` key in package.json counts). */
  dependencyUpdates: string[];
  /** `SECURITY.md` (any case) in the root, `.github/` or `docs/`. */
  securityPolicy?: string;
}

const DEPENDENCY_UPDATE_FILES = [
  '.github/dependabot.yml',
  '.github/dependabot.yaml',
  'renovate.json',
  'renovate.json5',
  '.renovaterc',
  '.renovaterc.json',
  '.renovaterc.json5',
  '.github/renovate.json',
  '.github/renovate.json5',
  '.gitlab/renovate.json',
  '.gitlab/renovate.json5',
];

/** Finds the dependency-update configurations and the security policy of a tree. */
export function readPolicyFiles(tree: RepositoryTree): PolicyFiles {
  const dependencyUpdates = DEPENDENCY_UPDATE_FILES.filter(p => tree.has(p));
  const packageJson = tree.readText('package.json');
  if (packageJson && /"renovate"\s*:/.test(packageJson))
    dependencyUpdates.push('package.json');
  const wanted = ['security.md', '.github/security.md', 'docs/security.md'];
  const securityPolicy = tree
    .files()
    .find(p => wanted.includes(p.toLowerCase()));
  return { dependencyUpdates, ...(securityPolicy ? { securityPolicy } : {}) };
}
