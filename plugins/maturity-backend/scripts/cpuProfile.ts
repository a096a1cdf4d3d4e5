/*
 * V8 CPU profiles for the benchmarks: profile a stretch of this process with
 * the inspector, write a `.cpuprofile` (Chrome DevTools opens it), and
 * summarise one by self time.
 *
 *   node -r @backstage/cli/config/nodeTransform.cjs \
 *     plugins/maturity-backend/scripts/cpuProfile.ts <file.cpuprofile> [top]
 *
 * prints the functions with the most self time, the same time grouped by
 * package (or by this repository's plugin), and charged to the nearest caller
 * in our plugins or a Backstage package, each as a share of the busy time.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

/** Starts the V8 profiler; the returned function stops it and writes `file`. */
export async function startCpuProfile(): Promise<
  (file: string) => Promise<void>
> {
  const session = new Session();
  session.connect();
  const post = (method: string) =>
    new Promise<any>((ok, ko) =>
      session.post(method, (e, r) => (e ? ko(e) : ok(r))),
    );
  await post('Profiler.enable');
  await post('Profiler.start');
  return async file => {
    const result = await post('Profiler.stop');
    writeFileSync(file, JSON.stringify(result.profile));
    session.disconnect();
  };
}

interface ProfileNode {
  id: number;
  children?: number[];
  callFrame: {
    functionName: string;
    url: string;
    lineNumber: number;
  };
}

/** Where a frame's code lives: a package, a plugin of ours, or the runtime. */
function owner(url: string): string {
  if (!url) return '(runtime)';
  if (url.startsWith('node:')) return 'node';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const plugin = /\/(plugins|packages)\/([^/]+)\//.exec(url);
  return plugin ? `${plugin[1]}/${plugin[2]}` : url;
}

/**
 * The profiler's own stop (`node:inspector`) and idle time are left out of
 * the busy total. Native and runtime frames (better-sqlite3's `run`, `all`,
 * garbage collection, ...) are also charged to the nearest caller in this
 * repository's plugins or in a Backstage package, so that a statement's time
 * shows whose statement it is.
 */
export function summariseCpuProfile(file: string, top = 15) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const isOurs = (url: string) =>
    /\/plugins\//.test(url) && !url.includes('node_modules/')
      ? true
      : url.includes('node_modules/@backstage/');
  const label = (frame: ProfileNode['callFrame']) => {
    const where = frame.url
      ? `${owner(frame.url)} ${frame.url.split('/').pop()}:${
          frame.lineNumber + 1
        }`
      : '';
    return `${frame.functionName || '(anonymous)'} ${where}`.trim();
  };
  const nativeCaller = (id: number): string => {
    for (let at = parent.get(id); at !== undefined; at = parent.get(at)) {
      const { url } = byId.get(at)!.callFrame;
      if (url) return owner(url);
    }
    return 'no caller';
  };
  const callerOf = (id: number): string => {
    for (let at = parent.get(id); at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      if (frame.url && isOurs(frame.url)) return label(frame);
    }
    return '(no caller of ours)';
  };
  let total = 0;
  const functions = new Map<string, number>();
  const owners = new Map<string, number>();
  const callers = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, us: number) =>
    m.set(k, (m.get(k) ?? 0) + us);
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)' || frame.url === 'node:inspector') {
      continue;
    }
    total += us;
    // A native frame (`run` is better-sqlite3's statement or a signature in
    // node:crypto) is named with the package that called it.
    add(
      functions,
      frame.url ? label(frame) : `${label(frame)} (from ${nativeCaller(id)})`,
      us,
    );
    add(owners, owner(frame.url), us);
    add(
      callers,
      frame.url && isOurs(frame.url) ? label(frame) : callerOf(id),
      us,
    );
  }
  const ranked = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({
        name,
        ms: us / 1000,
        share: total ? us / total : 0,
      }));
  return {
    busyMs: total / 1000,
    functions: ranked(functions),
    owners: ranked(owners),
    callers: ranked(callers),
  };
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  const summary = summariseCpuProfile(file, Number(top ?? 15));
  const line = (r: { name: string; ms: number; share: number }) =>
    `${(r.share * 100).toFixed(1).padStart(5)}% ${r.ms
      .toFixed(0)
      .padStart(6)} ms  ${r.name}`;
  console.log(
    `${file}: ${summary.busyMs.toFixed(
      0,
    )} ms busy (idle and the profiler's own stop left out)`,
  );
  console.log('\nself time by function:');
  summary.functions.forEach(r => console.log(line(r)));
  console.log('\nself time by package:');
  summary.owners.forEach(r => console.log(line(r)));
  console.log('\nself time charged to the nearest caller of ours:');
  summary.callers.forEach(r => console.log(line(r)));
}
