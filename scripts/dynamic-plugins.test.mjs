/**
 * The dynamic plugin check refuses broken exports. Each test copies one
 * export made by `node scripts/dynamic-plugins.mjs export`, breaks the copy
 * and checks it with `--out`.
 *
 *   node --test scripts/dynamic-plugins.test.mjs   (after the export)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCRIPT = path.join(ROOT, 'scripts', 'dynamic-plugins.mjs');

const BACKEND = {
  dir: 'maturity-backend',
  out: 'cloud-native-portal-plugin-maturity-backend-dynamic',
};
const FRONTEND = {
  dir: 'ownership',
  out: 'cloud-native-portal-plugin-ownership-dynamic',
};

/** A copy of one export in a folder of its own, broken by `breakIt`. */
function brokenCopy(plugin, breakIt) {
  const source = path.join(ROOT, 'dist-dynamic', plugin.out);
  assert.ok(
    fs.existsSync(source),
    `no ${source}: run \`node scripts/dynamic-plugins.mjs export ${plugin.dir}\` first`,
  );
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'dynamic-plugins-'));
  fs.cpSync(source, path.join(out, plugin.out), { recursive: true });
  breakIt(path.join(out, plugin.out));
  return out;
}

function check(plugin, out) {
  const result = spawnSync(
    process.execPath,
    [SCRIPT, 'check', plugin.dir, `--out=${out}`],
    { encoding: 'utf8' },
  );
  fs.rmSync(out, { recursive: true, force: true });
  return { status: result.status, output: result.stdout + result.stderr };
}

function assertRefused(plugin, out, message) {
  const { status, output } = check(plugin, out);
  assert.equal(status, 1, output);
  assert.match(output, new RegExp(`dynamic plugins: ${plugin.dir}: `));
  assert.match(output, message);
}

test('an unbroken copy of each export passes, so the failures below are the breakage', () => {
  for (const plugin of [BACKEND, FRONTEND]) {
    const { status, output } = check(
      plugin,
      brokenCopy(plugin, () => {}),
    );
    assert.equal(status, 0, output);
  }
});

test('a backend export missing a private dependency fails, though the host has that package', () => {
  const out = brokenCopy(BACKEND, dir =>
    fs.rmSync(path.join(dir, 'node_modules', 'express'), { recursive: true }),
  );
  assertRefused(
    BACKEND,
    out,
    /'express' .* is neither in the export's node_modules nor a shared package/,
  );
});

test('a backend export without its embedded -common library fails, though the repository has it', () => {
  const out = brokenCopy(BACKEND, dir =>
    fs.rmSync(
      path.join(
        dir,
        'node_modules',
        '@cloud-native-portal',
        'plugin-maturity-common',
      ),
      { recursive: true },
    ),
  );
  assertRefused(
    BACKEND,
    out,
    /Cannot find module '@cloud-native-portal\/plugin-maturity-common'/,
  );
});

test('a backend export whose default export is not a BackendFeature fails', () => {
  const out = brokenCopy(BACKEND, dir => {
    const entry = path.join(dir, 'dist', 'index.cjs.js');
    const code = fs.readFileSync(entry, 'utf8');
    assert.match(code, /^exports\.default = /m);
    fs.writeFileSync(
      entry,
      code.replace(/^exports\.default = .*$/m, 'exports.default = {};'),
    );
  });
  assertRefused(
    BACKEND,
    out,
    /no default export that is a BackendFeature or BackendFeatureFactory, and no dynamicPluginInstaller/,
  );
});

test('a frontend export whose plugin-manifest.json names another container fails', () => {
  const out = brokenCopy(FRONTEND, dir => {
    const file = path.join(dir, 'dist-scalprum', 'plugin-manifest.json');
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(
      file,
      JSON.stringify({ ...manifest, name: 'other.plugin' }),
    );
  });
  assertRefused(
    FRONTEND,
    out,
    /plugin-manifest.json names 'other.plugin', expected 'cloud-native-portal.plugin-ownership'/,
  );
});

test('a frontend export without the chunks of its exposed module fails', () => {
  const out = brokenCopy(FRONTEND, dir =>
    fs.rmSync(path.join(dir, 'dist-scalprum', 'static'), { recursive: true }),
  );
  assertRefused(FRONTEND, out, /exposed module PluginRoot: /);
});
