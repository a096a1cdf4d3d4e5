#!/usr/bin/env node
/**
 * Red Hat Developer Hub dynamic plugins: export every plugin with the RHDH
 * CLI, then check that each export loads the way the RHDH host loads it.
 *
 *   node scripts/dynamic-plugins.mjs export [--jobs=2] [plugin...]   (after `yarn build:all`)
 *   node scripts/dynamic-plugins.mjs check [--out=dist-dynamic] [plugin...]
 *
 * `plugin` is a folder name under plugins/ (default: every exported plugin).
 * Each export lands in dist-dynamic/<package name>-dynamic at the repository
 * root (the folder layout of an RHDH dynamic plugins directory), outside the
 * plugin folders so that package lint, tests and builds never see it.
 *
 * `check` loads each backend export in a plain Node process with the RHDH
 * host's module resolution (the export's own node_modules, plus the host's
 * node_modules for shared packages only) and requires what the host requires:
 * a default export that is a BackendFeature or BackendFeatureFactory, or a
 * `dynamicPluginInstaller`. It loads each frontend export's Scalprum container
 * in a DOM, gets its exposed modules, and checks the dynamic-plugins.yaml
 * entries in docs/dynamic-plugins.md and in each README against them.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import Module, { createRequire, isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import util from 'node:util';

const RHDH_CLI = '@red-hat-developer-hub/cli@1.9.1';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Where exports go; `--out=<dir>` checks exports elsewhere. */
let OUT = path.join(ROOT, 'dist-dynamic');
const DOC = path.join(ROOT, 'docs', 'dynamic-plugins.md');
const README_SECTION = '## Red Hat Developer Hub (dynamic plugin)';
/** Where an RHDH image keeps dynamic plugins that ship inside it. */
const IMAGE_PLUGIN_DIR = './dynamic-plugins/dist/';

/** The plugins exported as dynamic plugins, in export order. */
const PLUGINS = [
  'maturity-backend',
  'catalog-backend-module-maturity',
  'toil-backend',
  'ownership-backend',
  'zero-trust-backend',
  'scaffolder-backend-module-gitops',
  'permission-backend-module-portal-policy',
  'maturity',
  'toil',
  'ownership',
  'zero-trust',
];

/**
 * Shared packages whose ranges differ between a plugin and the libraries it
 * embeds. The host provides one copy of each, so the export keeps the
 * plugin's own range instead of stopping.
 */
const IGNORE_VERSION_CHECK = ['@backstage/errors'];

const rootRequire = createRequire(path.join(ROOT, 'package.json'));

function fail(message) {
  const error = new Error(message);
  error.expected = true;
  throw error;
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function workspacePackages() {
  const byName = new Map();
  for (const dir of fs.readdirSync(path.join(ROOT, 'plugins'))) {
    const file = path.join(ROOT, 'plugins', dir, 'package.json');
    if (fs.existsSync(file)) {
      byName.set(readJson(file).name, { dir, pkg: readJson(file) });
    }
  }
  return byName;
}

function pluginInfo(dir) {
  const pluginDir = path.join(ROOT, 'plugins', dir);
  if (!fs.existsSync(path.join(pluginDir, 'package.json'))) {
    fail(`${dir}: there is no plugins/${dir}/package.json`);
  }
  const pkg = readJson(path.join(pluginDir, 'package.json'));
  const role = pkg.backstage?.role;
  let kind;
  if (role === 'backend-plugin' || role === 'backend-plugin-module') {
    kind = 'backend';
  } else if (role === 'frontend-plugin') {
    kind = 'frontend';
  } else {
    fail(`${dir}: role "${role}" cannot be exported as a dynamic plugin`);
  }
  const outName = `${pkg.name.replace(/^@/, '').replace('/', '-')}-dynamic`;
  return {
    dir,
    pluginDir,
    pkg,
    kind,
    outName,
    outDir: path.join(OUT, outName),
    // The CLI's default Scalprum name, unless the package sets its own.
    scalprumName:
      pkg.scalprum?.name ?? pkg.name.replace(/^@/, '').replace('/', '.'),
    exposedModules: Object.keys(
      pkg.scalprum?.exposedModules ?? { PluginRoot: '' },
    ),
  };
}

/** Our own libraries a backend plugin needs: the host does not have them. */
function workspaceClosure(pkg, packages) {
  const found = new Set();
  const visit = p => {
    for (const dep of Object.keys(p.dependencies ?? {})) {
      if (packages.has(dep) && !found.has(dep)) {
        found.add(dep);
        visit(packages.get(dep).pkg);
      }
    }
  };
  visit(pkg);
  return [...found].sort();
}

function requireBuilt(name, dir, file) {
  if (!fs.existsSync(path.join(ROOT, 'plugins', dir, file))) {
    fail(
      `${name}: plugins/${dir}/${file} is missing; run \`yarn build:all\` first`,
    );
  }
}

function run(command, args, cwd) {
  return new Promise(resolve => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, CI: 'true', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', d => (output += d));
    child.stderr.on('data', d => (output += d));
    child.on('close', code => resolve({ code, output }));
  });
}

async function exportPlugin(info, packages) {
  const args = ['--yes', RHDH_CLI, 'plugin', 'export', '--clean'];
  if (info.kind === 'backend') {
    requireBuilt(info.pkg.name, info.dir, 'dist/index.cjs.js');
    const embedded = workspaceClosure(info.pkg, packages);
    for (const name of embedded) {
      requireBuilt(name, packages.get(name).dir, 'dist/index.cjs.js');
    }
    // yarn build:all has built everything; the CLI would build it again.
    args.push('--no-build');
    if (embedded.length) args.push('--embed-package', ...embedded);
    args.push('--ignore-version-check', ...IGNORE_VERSION_CHECK);
  } else {
    requireBuilt(info.pkg.name, info.dir, 'dist/index.esm.js');
    // RHDH loads the Scalprum assets (dist-scalprum). The module federation
    // assets would be written over the package's own dist folder.
    args.push('--no-generate-module-federation-assets');
  }
  const { code, output } = await run('npx', args, info.pluginDir);
  const produced = path.join(info.pluginDir, 'dist-dynamic');
  if (code !== 0) {
    // Left in the plugin folder, it would be linted and tested as source.
    fs.rmSync(produced, { recursive: true, force: true });
    const tail = output.trim().split('\n').slice(-40).join('\n');
    fail(`${info.dir}: rhdh-cli plugin export failed (exit ${code}):\n${tail}`);
  }
  fs.rmSync(info.outDir, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  fs.renameSync(produced, info.outDir);
}

// ---------------------------------------------------------------- backend check

/**
 * Runs in a child process: loads one backend export as the RHDH host does
 * and prints what its entry point provides as JSON.
 */
async function loadBackendInChild(exportDir, hostRoot) {
  const realExport = fs.realpathSync(exportDir);
  const hostNodeModules = path.join(hostRoot, 'node_modules');
  const exportNodeModules = path.join(realExport, 'node_modules');
  const inside = (file, dir) =>
    file === dir || file.startsWith(`${dir}${path.sep}`);
  const manifest = readJson(path.join(realExport, 'package.json'));
  // The host provides the shared packages only: the export's peer
  // dependencies, which the CLI derives from its shared-package rules.
  const shared = new Set(Object.keys(manifest.peerDependencies ?? {}));

  // The RHDH host limits module lookup from a dynamic plugin to the plugin's
  // own node_modules and the host's root node_modules.
  const originalPaths = Module._nodeModulePaths;
  Module._nodeModulePaths = from => {
    const paths = originalPaths(from);
    if (!inside(from, realExport)) return paths;
    // (RHDH's plugin folder sits inside the host; an export checked from
    // elsewhere gets the host's node_modules appended.)
    return [
      ...paths.filter(p => inside(p, exportNodeModules)),
      hostNodeModules,
    ];
  };
  // The host's node_modules here is this repository's, which also holds our
  // own workspace packages and every dev dependency; a real host holds none
  // of them. So the workspace packages are not found from here, and anything
  // the export takes from the host must be a shared package.
  const workspaceDirs = ['plugins', 'packages'].map(d =>
    path.join(hostRoot, d),
  );
  const notFound = request => {
    const error = new Error(`Cannot find module '${request}'`);
    error.code = 'MODULE_NOT_FOUND';
    return error;
  };
  const originalResolve = Module._resolveFilename;
  Module._resolveFilename = function resolveAsHost(request, parent, ...rest) {
    let resolved;
    try {
      resolved = originalResolve.call(this, request, parent, ...rest);
      const real = path.isAbsolute(resolved)
        ? fs.realpathSync(resolved)
        : resolved;
      if (workspaceDirs.some(d => inside(real, d))) throw notFound(request);
    } catch (error) {
      // Like the RHDH host: `resolvePackagePath` (from backend-plugin-api)
      // finds a dynamic plugin package by its name or its `-dynamic` name.
      const name = request.replace(/\/package\.json$/, '');
      if (
        request.endsWith('/package.json') &&
        /[/\\](?:@backstage|packages)[/\\]backend-plugin-api(?:[/\\]|$)/.test(
          parent?.path ?? '',
        ) &&
        [name, `${name}-dynamic`].includes(manifest.name)
      ) {
        return path.join(realExport, 'package.json');
      }
      throw error;
    }
    const from = parent?.filename;
    const bare = !request.startsWith('.') && !path.isAbsolute(request);
    if (from && bare && !isBuiltin(request) && inside(from, realExport)) {
      const real = fs.realpathSync(resolved);
      const name = request.startsWith('@')
        ? request.split('/').slice(0, 2).join('/')
        : request.split('/')[0];
      if (!inside(real, realExport) && !shared.has(name)) {
        throw new Error(
          `'${name}' (required by ${path.relative(
            realExport,
            from,
          )}) is neither in the export's node_modules nor a shared package the host provides`,
        );
      }
    }
    return resolved;
  };

  const isFeature = v =>
    !!v &&
    (typeof v === 'object' || typeof v === 'function') &&
    v.$$type === '@backstage/BackendFeature';
  const isFeatureFactory = v =>
    typeof v === 'function' && v.$$type === '@backstage/BackendFeatureFactory';
  const isInstaller = v =>
    !!v &&
    typeof v === 'object' &&
    v.kind === 'new' &&
    typeof v.install === 'function';

  // Like the host: the alpha entry point first when there is one, then main.
  const entries = [];
  const alpha = path.join(realExport, 'alpha', 'package.json');
  if (fs.existsSync(alpha) && readJson(alpha).main) {
    entries.push(path.resolve(realExport, 'alpha', readJson(alpha).main));
  }
  entries.push(path.resolve(realExport, manifest.main ?? 'index.js'));

  for (const entry of entries) {
    const mod = createRequire(entry)(entry);
    let features;
    let via;
    if (isFeature(mod.default)) {
      via = 'default export (BackendFeature)';
      features = [mod.default];
    } else if (isFeatureFactory(mod.default)) {
      via = 'default export (BackendFeatureFactory)';
      features = [mod.default()];
    } else if (isInstaller(mod.dynamicPluginInstaller)) {
      via = 'dynamicPluginInstaller';
      const installed = mod.dynamicPluginInstaller.install();
      features = Array.isArray(installed) ? installed : [installed];
    } else {
      continue;
    }
    // What the feature registers: plugins and modules, through loaders.
    const registrations = [];
    const describe = async feature => {
      if (feature.featureType === 'loader') {
        if (feature.deps && Object.keys(feature.deps).length) {
          registrations.push({ type: 'loader with dependencies' });
          return;
        }
        for (const inner of await feature.loader({})) await describe(inner);
      } else if (typeof feature.getRegistrations === 'function') {
        for (const r of feature.getRegistrations()) {
          registrations.push({
            type: r.type,
            pluginId: r.pluginId,
            moduleId: r.moduleId,
          });
        }
      }
    };
    for (const feature of features) await describe(feature);
    // Migrations are found by package name, which RHDH maps to the export.
    if (fs.existsSync(path.join(realExport, 'migrations'))) {
      const { resolvePackagePath } = createRequire(entry)(
        '@backstage/backend-plugin-api',
      );
      const found = resolvePackagePath(
        manifest.name.replace(/-dynamic$/, ''),
        'migrations',
      );
      if (found !== path.join(realExport, 'migrations')) {
        throw new Error(`the plugin's migrations resolve to ${found}`);
      }
    }
    return { entry: path.relative(realExport, entry), via, registrations };
  }
  throw new Error(
    `${entries
      .map(e => path.relative(realExport, e))
      .join(' or ')}: no default export that is a BackendFeature or ` +
      'BackendFeatureFactory, and no dynamicPluginInstaller',
  );
}

function checkBackend(info) {
  const child = spawnSync(
    process.execPath,
    [fileURLToPath(import.meta.url), '__load-backend', info.outDir, ROOT],
    { cwd: OUT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } },
  );
  if (child.status !== 0) {
    const reason = (child.stderr || child.stdout).trim().split('\n');
    fail(
      `${info.dir}: the export does not load as RHDH loads it:\n  ${reason
        .slice(0, 12)
        .join('\n  ')}`,
    );
  }
  if (
    fs.existsSync(path.join(info.pluginDir, 'migrations')) &&
    !fs.existsSync(path.join(info.outDir, 'migrations'))
  ) {
    fail(`${info.dir}: the export has no migrations folder`);
  }
  const result = JSON.parse(child.stdout.trim().split('\n').pop());
  const pluginId = info.pkg.backstage.pluginId;
  if (!result.registrations.some(r => r.pluginId === pluginId)) {
    fail(
      `${info.dir}: ${result.entry} registers ${JSON.stringify(
        result.registrations,
      )}, nothing for plugin '${pluginId}'`,
    );
  }
  const what = result.registrations
    .map(r =>
      r.moduleId
        ? `module ${r.moduleId} of ${r.pluginId}`
        : `${r.type.replace(/-v[\d.]+$/, '')} ${r.pluginId}`,
    )
    .join(', ');
  return `${result.entry}: ${result.via}: ${what}`;
}

// --------------------------------------------------------------- frontend check

async function loadScalprumContainer(info) {
  const scalprumDir = path.join(info.outDir, 'dist-scalprum');
  const manifestFile = path.join(scalprumDir, 'plugin-manifest.json');
  if (!fs.existsSync(manifestFile)) {
    fail(`${info.dir}: the export has no dist-scalprum/plugin-manifest.json`);
  }
  const manifest = readJson(manifestFile);
  if (manifest.name !== info.scalprumName) {
    fail(
      `${info.dir}: plugin-manifest.json names '${manifest.name}', expected '${info.scalprumName}'`,
    );
  }
  if (manifest.version !== info.pkg.version) {
    fail(
      `${info.dir}: plugin-manifest.json has version ${manifest.version}, the package ${info.pkg.version}`,
    );
  }
  if (!manifest.loadScripts?.length) {
    fail(`${info.dir}: plugin-manifest.json lists no loadScripts`);
  }
  for (const script of manifest.loadScripts) {
    if (!fs.existsSync(path.join(scalprumDir, script))) {
      fail(
        `${info.dir}: plugin-manifest.json loads ${script}, which is missing`,
      );
    }
  }

  // The host's Scalprum loads the entry script, which registers the
  // container through a global callback; the exposed modules load their
  // chunks through script tags relative to the entry script.
  const { JSDOM, VirtualConsole } = rootRequire('jsdom');
  const errors = [];
  const virtualConsole = new VirtualConsole();
  virtualConsole.on('jsdomError', e => errors.push(e.message));
  const dom = new JSDOM(
    '<!doctype html><html><head></head><body></body></html>',
    {
      url: pathToFileURL(path.join(scalprumDir, 'index.html')).href,
      runScripts: 'dangerously',
      resources: 'usable',
      virtualConsole,
    },
  );
  const window = dom.window;
  try {
    const { name, container } = await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no container registered within 60 s ${errors.join('; ')}`,
            ),
          ),
        60_000,
      );
      window.__load_plugin_entry__ = (entryName, entryContainer) => {
        clearTimeout(timer);
        resolve({ name: entryName, container: entryContainer });
      };
      const script = window.document.createElement('script');
      script.src = manifest.loadScripts[0];
      script.onerror = () => reject(new Error(`cannot load ${script.src}`));
      window.document.head.appendChild(script);
    });
    if (name !== info.scalprumName) {
      fail(
        `${info.dir}: the container registers as '${name}', expected '${info.scalprumName}'`,
      );
    }
    await container.init({});
    const modules = {};
    for (const moduleName of info.exposedModules) {
      let factory;
      try {
        factory = await container.get(moduleName);
      } catch (e) {
        fail(`${info.dir}: exposed module ${moduleName}: ${e.message}`);
      }
      modules[moduleName] = Object.keys(factory());
    }
    if (errors.length) {
      fail(
        `${info.dir}: errors while loading the container: ${errors.join('; ')}`,
      );
    }
    return modules;
  } finally {
    window.close();
  }
}

// ------------------------------------------------ dynamic-plugins.yaml entries

/** Every `plugins:` entry in the yaml blocks of a markdown text. */
function yamlEntries(markdown, where) {
  const YAML = createRequire(
    rootRequire.resolve('@backstage/cli/package.json'),
  )('yaml');
  const entries = [];
  for (const m of markdown.matchAll(/```yaml\n([\s\S]*?)```/g)) {
    let doc;
    try {
      doc = YAML.parse(m[1]);
    } catch (e) {
      fail(`${where}: a yaml block does not parse: ${e.message}`);
    }
    for (const entry of doc?.plugins ?? []) entries.push(entry);
  }
  return entries;
}

function entryFor(entries, info, where) {
  const expected = `${IMAGE_PLUGIN_DIR}${info.outName}`;
  const found = entries.filter(e => e.package === expected);
  if (found.length !== 1) {
    fail(
      `${where}: expected one dynamic-plugins.yaml entry with package: ${expected}, found ${found.length}`,
    );
  }
  const entry = found[0];
  if (entry.disabled !== false) {
    fail(`${where}: the entry for ${info.outName} must say disabled: false`);
  }
  return entry;
}

/** Every importName a frontend entry wires, with the module it names. */
function importNames(frontendConfig) {
  const names = [];
  const add = (item, what) => {
    if (item?.importName) {
      names.push({
        module: item.module ?? 'PluginRoot',
        name: item.importName,
        what,
      });
    }
  };
  for (const r of frontendConfig.dynamicRoutes ?? []) {
    add(r, `dynamicRoutes ${r.path}`);
    add(r.menuItem, `menuItem of ${r.path}`);
  }
  for (const m of frontendConfig.mountPoints ?? [])
    add(m, `mountPoint ${m.mountPoint}`);
  for (const a of frontendConfig.apiFactories ?? []) add(a, 'apiFactories');
  for (const a of frontendConfig.appIcons ?? []) add(a, `appIcon ${a.name}`);
  for (const t of frontendConfig.routeBindings?.targets ?? [])
    add(t, 'routeBindings target');
  return names;
}

function checkFrontendEntry(entry, info, modules, where) {
  const frontend = entry.pluginConfig?.dynamicPlugins?.frontend ?? {};
  const config = frontend[info.scalprumName];
  if (!config) {
    fail(
      `${where}: the entry for ${info.outName} has no pluginConfig.dynamicPlugins.frontend['${info.scalprumName}']`,
    );
  }
  const wired = importNames(config);
  if (!wired.length)
    fail(`${where}: the entry for ${info.outName} wires nothing`);
  for (const { module, name, what } of wired) {
    if (!modules[module]) {
      fail(
        `${where}: ${what} names module ${module}, which the export does not expose`,
      );
    }
    if (!modules[module].includes(name)) {
      fail(
        `${where}: ${what} imports ${name}, which ${module} does not export (it exports ${modules[
          module
        ].join(', ')})`,
      );
    }
  }
  // Entity tab mount points exist only when a tab declares them.
  const tabs = new Set((config.entityTabs ?? []).map(t => t.mountPoint));
  for (const m of config.mountPoints ?? []) {
    const base = m.mountPoint.replace(/\/(cards|context)$/, '');
    if (
      base.startsWith('entity.page.') &&
      base !== 'entity.page.overview' &&
      !tabs.has(base)
    ) {
      fail(
        `${where}: mountPoint ${m.mountPoint} has no entityTabs entry for ${base}`,
      );
    }
  }
}

async function checkBackendEntry(entry, info, where) {
  const schemaFile = path.join(info.outDir, 'dist', 'configSchema.json');
  const pluginConfig = entry.pluginConfig ?? {};
  if (!fs.existsSync(schemaFile) || !Object.keys(pluginConfig).length) return;
  const { loadConfigSchema } = rootRequire('@backstage/config-loader');
  const schema = await loadConfigSchema({
    serialized: {
      backstageConfigSchemaVersion: 1,
      schemas: [{ path: schemaFile, value: readJson(schemaFile) }],
    },
    noUndeclaredProperties: true,
  });
  try {
    schema.process([{ data: pluginConfig, context: where }], {
      visibility: ['frontend', 'backend', 'secret'],
    });
  } catch (e) {
    fail(
      `${where}: pluginConfig of ${info.outName} does not match the plugin's config schema: ${e.message}`,
    );
  }
}

function readmeSection(info) {
  const file = path.join(info.pluginDir, 'README.md');
  const text = fs.readFileSync(file, 'utf8');
  const start = text.indexOf(README_SECTION);
  if (start < 0)
    fail(`plugins/${info.dir}/README.md has no "${README_SECTION}" section`);
  const rest = text.slice(start + README_SECTION.length);
  const next = rest.search(/\n## /);
  return next < 0 ? rest : rest.slice(0, next);
}

// ------------------------------------------------------------------------ main

async function main() {
  const args = process.argv.slice(2);
  const outArg = args.find(a => a.startsWith('--out='));
  if (outArg) OUT = path.resolve(outArg.slice('--out='.length));
  const jobsArg = args.find(a => a.startsWith('--jobs='));
  const jobs = jobsArg ? Number(jobsArg.slice('--jobs='.length)) : 2;
  if (!Number.isInteger(jobs) || jobs < 1) {
    fail(`--jobs must be a whole number of at least 1, got ${jobsArg}`);
  }
  const [mode, ...only] = args.filter(a => a !== outArg && a !== jobsArg);
  if (mode === '__load-backend') {
    try {
      const result = await loadBackendInChild(only[0], only[1]);
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } catch (e) {
      process.stderr.write(`${e?.message ?? e}\n`);
      process.exitCode = 1;
    }
    return;
  }
  if (mode !== 'export' && mode !== 'check') {
    console.error(
      'usage: node scripts/dynamic-plugins.mjs export|check [plugin...]',
    );
    process.exit(2);
  }
  for (const dir of only) {
    if (!PLUGINS.includes(dir))
      fail(`${dir} is not one of: ${PLUGINS.join(', ')}`);
  }
  const infos = (only.length ? only : PLUGINS).map(pluginInfo);
  const started = Date.now();
  const seconds = since => `${((Date.now() - since) / 1000).toFixed(1)} s`;

  if (mode === 'export') {
    const packages = workspacePackages();
    // Fetch the CLI once, before several exports start it at the same time.
    const cli = await run('npx', ['--yes', RHDH_CLI, '--version'], ROOT);
    if (cli.code !== 0) fail(`cannot run ${RHDH_CLI}:\n${cli.output}`);
    console.log(`rhdh-cli ${cli.output.trim()} (${seconds(started)})`);
    // Two at a time: a backend export mostly installs packages while a
    // frontend export mostly bundles, so one worker takes the frontends and
    // the other the backends, each taking the other kind when its own runs out.
    const queue = [...infos];
    const take = prefer => {
      const index = queue.findIndex(i => i.kind === prefer);
      return queue.splice(Math.max(index, 0), 1)[0];
    };
    let failed = false;
    const worker = async (_, n) => {
      const prefer = n % 2 === 0 ? 'frontend' : 'backend';
      for (let info = take(prefer); info && !failed; info = take(prefer)) {
        const t = Date.now();
        try {
          await exportPlugin(info, packages);
        } catch (error) {
          failed = true;
          throw error;
        }
        console.log(
          `exported ${info.dir} -> dist-dynamic/${info.outName} (${seconds(
            t,
          )})`,
        );
      }
    };
    // Let a running export finish rather than leave it behind on a failure.
    const results = await Promise.allSettled(
      Array.from({ length: jobs }, worker),
    );
    const rejected = results.find(r => r.status === 'rejected');
    if (rejected) throw rejected.reason;
    console.log(
      `exported ${infos.length} dynamic plugins in ${seconds(started)}`,
    );
    return;
  }

  const docEntries = yamlEntries(
    fs.readFileSync(DOC, 'utf8'),
    'docs/dynamic-plugins.md',
  );
  for (const info of infos) {
    const t = Date.now();
    if (!fs.existsSync(path.join(info.outDir, 'package.json'))) {
      fail(
        `${info.dir}: no export in dist-dynamic/${info.outName}; run \`node scripts/dynamic-plugins.mjs export\` first`,
      );
    }
    const exported = readJson(path.join(info.outDir, 'package.json'));
    if (exported.name !== `${info.pkg.name}-dynamic`) {
      fail(
        `${info.dir}: the export is named ${exported.name}, expected ${info.pkg.name}-dynamic`,
      );
    }
    const readmeWhere = `plugins/${info.dir}/README.md`;
    const readmeEntries = yamlEntries(readmeSection(info), readmeWhere);
    const sources = [
      [
        entryFor(docEntries, info, 'docs/dynamic-plugins.md'),
        'docs/dynamic-plugins.md',
      ],
      [entryFor(readmeEntries, info, readmeWhere), readmeWhere],
    ];
    if (!util.isDeepStrictEqual(sources[0][0], sources[1][0])) {
      fail(
        `${info.dir}: the dynamic-plugins.yaml entries in docs/dynamic-plugins.md and ${readmeWhere} differ`,
      );
    }
    let summary;
    if (info.kind === 'backend') {
      summary = checkBackend(info);
      for (const [entry, where] of sources)
        await checkBackendEntry(entry, info, where);
    } else {
      const modules = await loadScalprumContainer(info);
      for (const [entry, where] of sources)
        checkFrontendEntry(entry, info, modules, where);
      summary = Object.entries(modules)
        .map(([m, names]) => `${m} exports ${names.length} names`)
        .join(', ');
      summary = `container ${info.scalprumName}: ${summary}`;
    }
    console.log(`ok ${info.dir} (${seconds(t)}): ${summary}`);
  }
  console.log(`checked ${infos.length} dynamic plugins in ${seconds(started)}`);
}

main().catch(e => {
  console.error(e.expected ? `dynamic plugins: ${e.message}` : e);
  process.exit(1);
});
