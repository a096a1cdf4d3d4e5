import { Evidence } from '@cloud-native-portal/plugin-maturity-common';
import { RepositoryTree } from '../repository';

const MANIFEST_NAMES = [
  /^package\.json$/,
  /^pom\.xml$/,
  /^build\.gradle(\.kts)?$/,
  /^go\.mod$/,
  /^requirements([-_.][\w.-]+)?\.txt$/,
  /^pyproject\.toml$/,
  /^Gemfile$/,
  /^Cargo\.toml$/,
];

/** A library family the repo collector looks for in dependency manifests. */
export type DependencySignal = 'tracing' | 'metrics' | 'resilience';

const SIGNALS: Record<DependencySignal, RegExp[]> = {
  tracing: [
    /@opentelemetry\//,
    /\bio\.opentelemetry\b/,
    /\bgo\.opentelemetry\.io\//,
    /(^|[^\w@/.-])opentelemetry[-_]\w/i,
    /^\s*opentelemetry\s*=/,
  ],
  metrics: [
    /(^|[^\w-])prom-client\b/,
    /micrometer-registry-prometheus/,
    /\bprometheus[-_]client\b/i,
    /\bclient_golang\b/,
    // OpenTelemetry metrics exporters also expose metrics.
    /\botlpmetric\w*/,
    /@opentelemetry\/(sdk-metrics|exporter-metrics-|exporter-prometheus)/,
    /opentelemetry-exporter-prometheus/,
  ],
  resilience: [
    /(^|[^\w-])opossum\b/,
    /resilience4j/,
    /(^|[^\w-])cockatiel\b/,
    /(^|[^\w-])tenacity\b/,
    /gobreaker/,
  ],
};

/** A dependency manifest and the signals found in it. */
export interface DependencyScan {
  /** Paths of the manifests found, sorted. */
  manifests: string[];
  /** Evidence per signal: manifest path, line, and the matching dependency. */
  signals: Record<DependencySignal, Evidence[]>;
}

function isManifest(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return MANIFEST_NAMES.some(re => re.test(name));
}

/** Lines that name dependencies: package.json dependency keys, else non-comment lines. */
function dependencyLines(
  path: string,
  text: string,
): Array<{ text: string; line: number }> {
  const lines = text.split(/\r?\n/);
  if (path.endsWith('package.json')) {
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      return [];
    }
    const names = new Set<string>();
    for (const key of [
      'dependencies',
      'devDependencies',
      'optionalDependencies',
      'peerDependencies',
    ]) {
      const deps = json?.[key];
      if (deps && typeof deps === 'object') {
        Object.keys(deps).forEach(n => names.add(n));
      }
    }
    return [...names].map(name => {
      const index = lines.findIndex(l => l.includes(`"${name}"`));
      return { text: name, line: index + 1 || 1 };
    });
  }
  return lines
    .map((l, i) => ({ text: l, line: i + 1 }))
    .filter(({ text: l }) => {
      const t = l.trim();
      return t !== '' && !/^(#|\/\/|<!--)/.test(t);
    });
}

/** Finds dependency manifests and the tracing, metrics and resilience libraries they name. */
export function scanDependencies(tree: RepositoryTree): DependencyScan {
  const manifests = tree.files().filter(isManifest).sort();
  const signals: Record<DependencySignal, Evidence[]> = {
    tracing: [],
    metrics: [],
    resilience: [],
  };
  for (const path of manifests) {
    const text = tree.readText(path) ?? '';
    for (const dep of dependencyLines(path, text)) {
      for (const signal of Object.keys(SIGNALS) as DependencySignal[]) {
        if (SIGNALS[signal].some(re => re.test(dep.text))) {
          signals[signal].push({
            path,
            line: dep.line,
            note: `dependency ${dep.text.trim()}`,
          });
        }
      }
    }
  }
  return { manifests, signals };
}
