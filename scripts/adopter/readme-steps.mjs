// Reads the machine-readable install steps of the plugin READMEs and applies
// them to a Backstage app created by @backstage/create-app.
//
// A step is a fenced code block right after a marker comment:
//
//   <!-- adopter-step: install -->
//   ```sh
//   yarn --cwd packages/backend add @cloud-native-portal/plugin-toil-backend
//   ```
//
// Kinds:
//   install         sh: only `yarn --cwd packages/<app|backend> add <pkg>...`
//                   lines (comments allowed); the packages are added to that
//                   workspace of the app.
//   backend         ts: statements inserted into packages/backend/src/index.ts
//                   before `backend.start();`.
//   backend-remove  ts: statements removed from packages/backend/src/index.ts
//                   (whitespace-insensitive); they must be there.
//   config          yaml: a config file given to the backend with --config.
//   app-legacy      tsx: a whole module of legacy frontend wiring, written to
//                   packages/app/src/legacy/<package>.tsx and type-checked.
import { readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const KINDS = {
  install: ['sh', 'bash', 'shell'],
  backend: ['ts', 'typescript'],
  'backend-remove': ['ts', 'typescript'],
  config: ['yaml', 'yml'],
  'app-legacy': ['tsx'],
};
/** Plugin roles an adopter installs; each needs at least one install step. */
const INSTALLABLE_ROLES = [
  'frontend-plugin',
  'backend-plugin',
  'backend-plugin-module',
];
/** Packages whose READMEs are not about installing into a Backstage app. */
const NOT_AN_APP_PLUGIN = ['@cloud-native-portal/maturity-cli'];

const MARKER = /^<!--\s*adopter-step:\s*([a-z-]+)\s*-->\s*$/;

function fail(readme, message) {
  const e = new Error(`${readme}: ${message}`);
  e.readme = readme;
  return e;
}

/** Parses one README's steps. */
export function parseSteps(markdown, readme) {
  const lines = markdown.split('\n');
  const steps = [];
  for (let i = 0; i < lines.length; i++) {
    const m = MARKER.exec(lines[i].trim());
    if (!m) continue;
    const kind = m[1];
    if (!KINDS[kind]) {
      throw fail(readme, `line ${i + 1}: unknown adopter-step kind '${kind}'`);
    }
    let j = i + 1;
    while (j < lines.length && lines[j].trim() === '') j++;
    const fence = /^(```+)\s*([a-z]*)\s*$/.exec(lines[j] ?? '');
    if (!fence) {
      throw fail(
        readme,
        `line ${
          i + 1
        }: adopter-step '${kind}' is not followed by a fenced code block`,
      );
    }
    if (!KINDS[kind].includes(fence[2])) {
      throw fail(
        readme,
        `line ${j + 1}: adopter-step '${kind}' needs a code block of ${KINDS[
          kind
        ].join('/')}, not '${fence[2]}'`,
      );
    }
    const body = [];
    let k = j + 1;
    while (k < lines.length && lines[k].trim() !== fence[1])
      body.push(lines[k++]);
    if (k >= lines.length) {
      throw fail(readme, `line ${j + 1}: unterminated code block`);
    }
    steps.push({ kind, readme, line: i + 1, code: body.join('\n') });
    i = k;
  }
  return steps;
}

/** Every step of every plugin README, checked for completeness. */
export async function readAllSteps(root) {
  const all = [];
  for (const dir of (await readdir(join(root, 'plugins'))).sort()) {
    const pkgPath = join(root, 'plugins', dir, 'package.json');
    const readmePath = join(root, 'plugins', dir, 'README.md');
    if (!existsSync(pkgPath)) continue;
    const pkg = JSON.parse(await readFile(pkgPath, 'utf8'));
    if (pkg.private || NOT_AN_APP_PLUGIN.includes(pkg.name)) continue;
    const readme = `plugins/${dir}/README.md`;
    const steps = existsSync(readmePath)
      ? parseSteps(await readFile(readmePath, 'utf8'), readme)
      : [];
    for (const s of steps) {
      s.packageName = pkg.name;
      s.role = pkg.backstage?.role;
      s.pluginId = pkg.backstage?.pluginId;
      s.slug = dir;
    }
    if (INSTALLABLE_ROLES.includes(pkg.backstage?.role)) {
      const installs = steps.filter(s => s.kind === 'install');
      if (!installs.some(s => s.code.includes(pkg.name))) {
        throw fail(
          readme,
          `${pkg.name} (${pkg.backstage.role}) has no '<!-- adopter-step: install -->' block that adds it`,
        );
      }
    }
    all.push(...steps);
  }
  return all;
}

function parseInstall(step) {
  const adds = [];
  for (const raw of step.code.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m =
      /^yarn --cwd packages\/(app|backend) add ((?:@?[\w./-]+(?:@[\w.^~<>=*-]+)?\s*)+)$/.exec(
        line,
      );
    if (!m) {
      throw fail(
        step.readme,
        `line ${step.line}: install steps may only be \`yarn --cwd packages/<app|backend> add <package>...\`, found: ${line}`,
      );
    }
    for (const name of m[2].trim().split(/\s+/)) {
      adds.push({ workspace: m[1], name, readme: step.readme });
    }
  }
  return adds;
}

function whitespaceInsensitive(code) {
  const tokens = code.trim().split(/\s+/);
  return new RegExp(
    tokens.map(t => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s*'),
  );
}

function stripLineComments(code) {
  return code
    .split('\n')
    .filter(l => !l.trim().startsWith('//'))
    .join('\n');
}

/**
 * Applies the steps to the app. Returns the extra backend config files and
 * the strings the frontend bundle must contain.
 */
export async function applySteps(steps, { appDir, registryUrl, log, run }) {
  // 1. Packages: every name must be on the local registry, then one
  //    `yarn add` per workspace (the same packages as the READMEs' lines).
  const adds = steps.filter(s => s.kind === 'install').flatMap(parseInstall);
  for (const add of adds) {
    const bare = add.name.replace(/(.)@.*$/, '$1');
    const res = await fetch(
      new URL(bare.replace('/', '%2f'), registryUrl).toString(),
    );
    if (!res.ok) {
      throw fail(
        add.readme,
        `${add.name} is not on the registry (${res.status}); was it renamed or made private?`,
      );
    }
  }
  for (const workspace of ['backend', 'app']) {
    const mine = adds.filter(a => a.workspace === workspace);
    if (!mine.length) continue;
    const names = [...new Set(mine.map(a => a.name))];
    log(`yarn --cwd packages/${workspace} add ${names.join(' ')}`);
    try {
      await run('yarn', ['--cwd', `packages/${workspace}`, 'add', ...names], {
        cwd: appDir,
      });
    } catch (e) {
      throw fail([...new Set(mine.map(a => a.readme))].join(', '), e.message);
    }
  }

  // 2. Backend wiring.
  const indexPath = join(appDir, 'packages/backend/src/index.ts');
  let index = await readFile(indexPath, 'utf8');
  for (const s of steps.filter(st => st.kind === 'backend-remove')) {
    const re = whitespaceInsensitive(stripLineComments(s.code));
    if (!re.test(index)) {
      throw fail(
        s.readme,
        `line ${s.line}: the statements to remove are not in packages/backend/src/index.ts:\n${s.code}`,
      );
    }
    index = index.replace(re, '');
  }
  const additions = steps
    .filter(s => s.kind === 'backend')
    .map(s => `// from ${s.readme}\n${s.code.trim()}\n`);
  if (additions.length) {
    if (!index.includes('backend.start();')) {
      throw new Error('packages/backend/src/index.ts has no backend.start();');
    }
    index = index.replace(
      'backend.start();',
      `${additions.join('\n')}\nbackend.start();`,
    );
  }
  await writeFile(indexPath, index);

  // 3. Config files for the backend.
  const configFiles = [];
  for (const s of steps.filter(st => st.kind === 'config')) {
    const file = `app-config.${s.slug}-${s.line}.yaml`;
    await writeFile(join(appDir, file), `# from ${s.readme}\n${s.code}\n`);
    configFiles.push(file);
  }

  // 4. Legacy frontend wiring, compiled by the app's tsc.
  const legacyDir = join(appDir, 'packages/app/src/legacy');
  for (const s of steps.filter(st => st.kind === 'app-legacy')) {
    await mkdir(legacyDir, { recursive: true });
    await writeFile(
      join(legacyDir, `${s.slug}-${s.line}.tsx`),
      `// from ${s.readme}\n${s.code}\n`,
    );
  }

  // 5. What the frontend bundle must contain: each frontend plugin added to
  //    the app registers its plugin id.
  const bundleMarkers = [];
  const appAdds = new Set(
    adds.filter(a => a.workspace === 'app').map(a => a.name),
  );
  for (const s of steps) {
    if (
      s.role === 'frontend-plugin' &&
      appAdds.has(s.packageName) &&
      !bundleMarkers.some(m => m.readme === s.readme)
    ) {
      bundleMarkers.push({
        text: `pluginId:"${s.pluginId}"`,
        readme: s.readme,
      });
    }
  }
  return { configFiles, bundleMarkers };
}
