import { InputError } from '@backstage/errors';
import {
  basename,
  collectRepoFacts,
  K8sObject,
  KubernetesEvidence,
  RepositoryTree,
  scanDependencies,
  Workload,
} from '@cloud-native-portal/plugin-maturity-node';
import {
  applyEdits,
  modify,
  parse as parseJson,
  ParseError,
} from 'jsonc-parser';
import { Document, isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import {
  BY_HAND,
  FixPart,
  FixPlan,
  gapNotes,
  helmNotes,
  isUnder,
  label,
  UnchangedReason,
} from './fixPlan';

/**
 * Where the workloads export traces unless the template says otherwise: the
 * OTLP gRPC port of an OpenTelemetry Collector Service named
 * `otel-collector` in the `observability` namespace of the same cluster.
 */
export const DEFAULT_OTLP_ENDPOINT =
  'http://otel-collector.observability.svc:4317';

/**
 * The OpenTelemetry packages the fix adds or names, per ecosystem, with the
 * version it pins. npm versions were read with `npm view <package> version`;
 * the others are released versions that go together (the Python distro
 * 0.49b2 is the contrib release of SDK 1.28.2; the three .NET packages are
 * the 1.9.0 release). Raise them here, in one place.
 */
export const OTEL_PACKAGES = {
  npm: {
    '@opentelemetry/sdk-node': '^0.301.2',
    '@opentelemetry/auto-instrumentations-node': '^0.82.0',
  },
  pypi: {
    'opentelemetry-distro': '0.49b2',
    'opentelemetry-exporter-otlp': '1.28.2',
  },
  nuget: {
    'OpenTelemetry.Extensions.Hosting': '1.9.0',
    'OpenTelemetry.Instrumentation.AspNetCore': '1.9.0',
    'OpenTelemetry.Exporter.OpenTelemetryProtocol': '1.9.0',
  },
  maven: {
    'io.opentelemetry.javaagent:opentelemetry-javaagent': '2.10.0',
  },
} as const;

/** The kinds whose containers get the OpenTelemetry environment. */
const TRACED_KINDS: Record<string, string[]> = {
  apps: ['Deployment', 'StatefulSet', 'DaemonSet'],
  batch: ['Job', 'CronJob'],
};

const NODE_OPTIONS =
  '--require @opentelemetry/auto-instrumentations-node/register';

const PYTHON_REQUIREMENTS = /^requirements\.txt$/;
const JAVA_BUILD = /^(pom\.xml|build\.gradle(\.kts)?)$/;

type EnvVar = { name: string; value: string };

/** Manifest files parsed once with the YAML Document API, printed once. */
class ManifestEdits {
  private readonly files = new Map<
    string,
    { text: string; docs: Document.Parsed[]; edited: Set<number> }
  >();
  constructor(private readonly tree: RepositoryTree) {}

  /** Why a manifest cannot be edited, or undefined when it can. */
  problem(path: string, skippedPaths: string[]): string | undefined {
    if (isUnder(path, skippedPaths)) return `${path} was not copied`;
    if (this.files.has(path)) return undefined;
    const text = this.tree.readText(path);
    if (text === undefined) return `${path} was not read`;
    const docs = parseAllDocuments(text, { uniqueKeys: false });
    if (!Array.isArray(docs)) return `${path} has no YAML documents`;
    const broken = docs.find(d => d.errors.length > 0);
    if (broken) {
      return `${path} could not be parsed as YAML: ${
        broken.errors[0].message.split('\n')[0]
      }`;
    }
    this.files.set(path, { text, docs, edited: new Set() });
    return undefined;
  }

  /**
   * Adds the variables a container lacks (by name) to its `env`. Returns the
   * names added, or a problem.
   */
  addEnv(
    object: K8sObject,
    containerPath: Array<string | number>,
    vars: EnvVar[],
  ): string[] | { problem: string } {
    const file = this.files.get(object.doc.path)!;
    const doc = file.docs[object.doc.index];
    const container = doc?.getIn([...object.base, ...containerPath], true);
    if (!isMap(container)) {
      return { problem: 'its container is not a YAML mapping' };
    }
    const env = container.get('env', true);
    if (env !== undefined && env !== null && !isSeq(env)) {
      return { problem: 'its container env is not a list' };
    }
    const present = new Set(
      (isSeq(env) ? env.items : []).flatMap(item => {
        const name = isMap(item) ? item.get('name', true) : undefined;
        return isScalar(name) ? [String(name.value)] : [];
      }),
    );
    const missing = vars.filter(v => !present.has(v.name));
    if (missing.length === 0) return [];
    if (isSeq(env)) {
      for (const v of missing) env.add(doc.createNode(v));
    } else {
      container.set('env', doc.createNode(missing));
    }
    file.edited.add(object.doc.index);
    return missing.map(v => v.name);
  }

  /**
   * The edited files, path → new text. Only the edited documents are
   * printed again; the text of the others stays byte for byte.
   */
  edited(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [path, { text, docs, edited }] of this.files) {
      if (edited.size === 0) continue;
      const parts = docs.map((doc, i) => {
        const start = i === 0 ? 0 : doc.range[0];
        const end = i + 1 < docs.length ? docs[i + 1].range[0] : text.length;
        return edited.has(i)
          ? doc.toString({ lineWidth: 0 })
          : text.slice(start, end);
      });
      out.set(path, parts.join(''));
    }
    return out;
  }
}

function isTraced(w: Workload): boolean {
  return (TRACED_KINDS[w.object.group] ?? []).includes(w.object.kind);
}

/** The text's indentation, as jsonc-parser's formatting options. */
function jsonFormatting(text: string) {
  const indent = /^[ \t]+(?=")/m.exec(text)?.[0] ?? '  ';
  return {
    insertSpaces: !indent.includes('\t'),
    tabSize: indent.includes('\t') ? 1 : indent.length,
    eol: text.includes('\r\n') ? '\r\n' : '\n',
  };
}

/** package.json with the Node SDK and auto-instrumentation added, or a problem. */
function addNodePackages(
  path: string,
  text: string,
): { text: string; esm: boolean } | { problem: string } {
  const errors: ParseError[] = [];
  const json = parseJson(text, errors, { allowTrailingComma: false });
  if (errors.length > 0 || json === null || typeof json !== 'object') {
    return { problem: `${path} could not be parsed as JSON` };
  }
  if (json.workspaces) {
    return {
      problem: `${path} is a workspaces root; add the packages to the service's own package.json`,
    };
  }
  const deps = json.dependencies;
  if (deps !== undefined && (deps === null || typeof deps !== 'object')) {
    return {
      problem: `${path} has a dependencies field that is not an object`,
    };
  }
  const formattingOptions = jsonFormatting(text);
  let out = text;
  for (const [name, version] of Object.entries(OTEL_PACKAGES.npm)) {
    if (deps && name in deps) continue;
    const edits = modify(out, ['dependencies', name], version, {
      formattingOptions,
      // Keeps sorted dependencies sorted, as npm writes them.
      getInsertionIndex: keys => {
        const sorted = keys.every((k, i) => i === 0 || keys[i - 1] <= k);
        return sorted ? keys.filter(k => k < name).length : keys.length;
      },
    });
    out = applyEdits(out, edits);
  }
  return { text: out, esm: json.type === 'module' };
}

/** requirements.txt with the Python distro and OTLP exporter appended. */
function addPythonPackages(text: string): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = Object.entries(OTEL_PACKAGES.pypi).map(
    ([name, version]) => `${name}==${version}`,
  );
  const sep = text === '' || text.endsWith('\n') ? '' : eol;
  return `${text}${sep}${lines.join(eol)}${eol}`;
}

/** The endpoint to export to: the input, checked, or the default. */
function otlpEndpointOf(input: string | undefined): string {
  const value = input?.trim();
  if (!value) return DEFAULT_OTLP_ENDPOINT;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || /\s/.test(value)) {
    throw new InputError(
      `otlpEndpoint must be an http:// or https:// URL, such as ${DEFAULT_OTLP_ENDPOINT}; got ${JSON.stringify(
        value.slice(0, 200),
      )}`,
    );
  }
  return value;
}

/**
 * Plans OpenTelemetry tracing for a repository, so that the maturity check
 * obs-tracing passes once merged: every Deployment, StatefulSet, DaemonSet,
 * Job and CronJob container gets OTEL_EXPORTER_OTLP_ENDPOINT and
 * OTEL_SERVICE_NAME (and NODE_OPTIONS for the Node auto-instrumentation),
 * and the dependency files get the SDK and auto-instrumentation of their
 * language where the portal can add them safely; the notes say the rest.
 */
export function planTracing(
  tree: RepositoryTree,
  kubernetes: KubernetesEvidence,
  skippedPaths: string[],
  otlpEndpoint: string | undefined,
): FixPart {
  const files = new Map<string, string>();
  const changes: FixPlan['changes'] = [];
  const notes: string[] = [];
  const endpoint = otlpEndpointOf(otlpEndpoint);

  // The check's own reading: tracing evidence anywhere means it passes.
  const facts = collectRepoFacts(tree);
  if (facts.facts['repo.observability.tracing'] === true) {
    const seen = facts.evidence['repo.observability.tracing'] ?? [];
    return {
      files,
      changes,
      notes: [...gapNotes(kubernetes)],
      reason: 'already fixed',
      unchanged: `The repository has OpenTelemetry tracing already (${
        seen[0] ? `${seen[0].path}: ${seen[0].note}` : 'tracing evidence found'
      }).`,
    };
  }

  // Dependencies, found by the reader the check uses (plus .csproj files,
  // which it does not read: for .NET the check passes on the manifests).
  const manifests = scanDependencies(tree).manifests;
  const csprojs = tree.files().filter(p => /\.csproj$/i.test(p));
  // Dependency files the tree did not read (too large, over a bound).
  for (const skipped of tree.skipped()) {
    const name = basename(skipped.path);
    if (
      ['package.json', 'pyproject.toml', 'go.mod'].includes(name) ||
      PYTHON_REQUIREMENTS.test(name) ||
      JAVA_BUILD.test(name) ||
      /\.csproj$/i.test(name)
    ) {
      notes.push(
        `${skipped.path} was not read (${skipped.reason}); add OpenTelemetry to it by hand`,
      );
    }
  }
  const usable = (path: string): string | undefined => {
    if (isUnder(path, skippedPaths)) {
      notes.push(`${path} was not copied; add OpenTelemetry to it by hand`);
      return undefined;
    }
    const text = tree.readText(path);
    if (text === undefined) {
      const skipped = tree.skipped().find(s => s.path === path);
      notes.push(
        `${path} was not read${
          skipped ? ` (${skipped.reason})` : ''
        }; add OpenTelemetry to it by hand`,
      );
    }
    return text;
  };
  let node = false;
  for (const path of manifests) {
    const name = basename(path);
    if (name === 'package.json') {
      const text = usable(path);
      if (text === undefined) continue;
      const result = addNodePackages(path, text);
      if ('problem' in result) {
        notes.push(`${result.problem}; add the OpenTelemetry packages by hand`);
        continue;
      }
      if (result.text !== text) {
        files.set(path, result.text);
        changes.push({
          path,
          what: `adds ${Object.keys(OTEL_PACKAGES.npm).join(
            ' and ',
          )} to dependencies`,
        });
      }
      node = true;
      notes.push(
        `${path}: run the package manager to update the lockfile (npm install, yarn or pnpm install) before merging`,
      );
      if (result.esm) {
        notes.push(
          `${path} is an ES module package ("type": "module"): the --require hook instruments CommonJS only; also start Node with --experimental-loader=@opentelemetry/instrumentation/hook.mjs to instrument ES modules`,
        );
      }
    } else if (PYTHON_REQUIREMENTS.test(name)) {
      const text = usable(path);
      if (text === undefined) continue;
      files.set(path, addPythonPackages(text));
      changes.push({
        path,
        what: `adds ${Object.entries(OTEL_PACKAGES.pypi)
          .map(([n, v]) => `${n}==${v}`)
          .join(' and ')}`,
      });
      notes.push(
        `${path}: the service must start under opentelemetry-instrument (for example \`opentelemetry-instrument uvicorn app.main:app\` as the container command or Dockerfile CMD), and the image build should run \`opentelemetry-bootstrap -a install\` after installing the requirements, so the instrumentations of the installed libraries are added`,
      );
    } else if (name === 'pyproject.toml') {
      notes.push(
        `${path}: add ${Object.entries(OTEL_PACKAGES.pypi)
          .map(([n, v]) => `${n}==${v}`)
          .join(
            ' and ',
          )} to the project's dependencies by hand, and start the service under opentelemetry-instrument`,
      );
    } else if (JAVA_BUILD.test(name)) {
      const [agent, version] = Object.entries(OTEL_PACKAGES.maven)[0];
      notes.push(
        `${path}: Java services are instrumented without code changes by the OpenTelemetry Java agent: add ${agent}:${version} to the image (for example at /otel/opentelemetry-javaagent.jar) and set JAVA_TOOL_OPTIONS=-javaagent:/otel/opentelemetry-javaagent.jar on the container; the portal does not change the build file`,
      );
    } else if (name === 'go.mod') {
      notes.push(
        `${path}: Go has no automatic instrumentation; add go.opentelemetry.io/otel, go.opentelemetry.io/otel/sdk, go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc and go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp with \`go get\` (it updates go.sum), set up a tracer provider in main and wrap the HTTP handlers with otelhttp.NewHandler`,
      );
    }
  }
  for (const path of csprojs) {
    if (isUnder(path, skippedPaths)) {
      notes.push(`${path} was not copied; add OpenTelemetry to it by hand`);
      continue;
    }
    notes.push(
      `${path}: add the packages with ${Object.entries(OTEL_PACKAGES.nuget)
        .map(([n, v]) => `\`dotnet add package ${n} --version ${v}\``)
        .join(
          ', ',
        )}, and in Program.cs: \`builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddAspNetCoreInstrumentation().AddOtlpExporter());\` (the exporter reads OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_SERVICE_NAME from the environment); the portal does not edit .csproj files`,
    );
  }

  // Manifests: every container of the traced kinds gets the environment.
  const edits = new ManifestEdits(tree);
  const workloads = kubernetes.workloads.filter(isTraced);
  const envChanges = new Map<string, string[]>();
  for (const w of workloads) {
    const o = w.object;
    const containers = w.containers.filter(c => !c.init);
    if (containers.length === 0) continue;
    if (!o.name) {
      notes.push(
        `${label(
          o,
        )} has no metadata.name; add the OpenTelemetry environment to it by hand`,
      );
      continue;
    }
    const problem = edits.problem(o.doc.path, skippedPaths);
    if (problem) {
      notes.push(
        `${label(
          o,
        )}: ${problem}; add OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_SERVICE_NAME to its containers by hand`,
      );
      continue;
    }
    const vars: EnvVar[] = [
      { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: endpoint },
      { name: 'OTEL_SERVICE_NAME', value: o.name },
      ...(node ? [{ name: 'NODE_OPTIONS', value: NODE_OPTIONS }] : []),
    ];
    for (const c of containers) {
      const added = edits.addEnv(o, c.path, vars);
      if ('problem' in added) {
        notes.push(
          `${label(o)} container ${c.name}: ${
            added.problem
          }; add the OpenTelemetry environment by hand`,
        );
        continue;
      }
      if (node && !added.includes('NODE_OPTIONS')) {
        notes.push(
          `${label(o)} container ${
            c.name
          } sets NODE_OPTIONS already: add ${NODE_OPTIONS} to it by hand`,
        );
      }
      if (added.length > 0) {
        const list = envChanges.get(o.doc.path) ?? [];
        list.push(`${o.kind} ${o.name} container ${c.name}`);
        envChanges.set(o.doc.path, list);
      }
    }
  }
  for (const [path, text] of edits.edited()) {
    files.set(path, text);
    changes.push({
      path,
      what: `sets OTEL_EXPORTER_OTLP_ENDPOINT (${endpoint}) and OTEL_SERVICE_NAME${
        node ? ' and NODE_OPTIONS' : ''
      } on ${envChanges.get(path)!.join(', ')}`,
    });
  }
  if (envChanges.size > 0) {
    notes.push(
      `The workloads export traces to ${endpoint}: an OpenTelemetry Collector (or another OTLP receiver) must listen there`,
    );
  }
  notes.push(
    ...helmNotes(
      kubernetes,
      'OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_SERVICE_NAME environment',
    ),
  );

  let reason: UnchangedReason | undefined;
  let unchanged: string | undefined;
  if (files.size === 0) {
    if (
      workloads.length === 0 &&
      kubernetes.helmCharts.length === 0 &&
      manifests.length === 0 &&
      csprojs.length === 0
    ) {
      reason = 'no workloads';
      unchanged =
        'The repository has no workloads and no dependency file the portal can read, so there is nothing to instrument.';
    } else {
      reason = 'needs a change by hand';
      unchanged = BY_HAND;
    }
  }
  notes.push(...gapNotes(kubernetes));
  return { files, changes, notes, reason, unchanged };
}
