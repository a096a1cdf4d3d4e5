/*
 * Benchmarks reading and scanning a generated 2,000-file repository tree.
 * Prints the median and p95 of 5 runs plus peak RSS; asserts nothing.
 * It also prints the 1-minute load average before and after, and the time of a
 * bare loop measured the same way, so that figures from a busy machine can be
 * compared: the ratio of the median scan to the bare loop changes less with
 * load than either time alone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRepositoryTree } from '@cloud-native-portal/plugin-maturity-node';
import { scanRepository } from '../src/scanner';
import { readFilesRecursively } from '../src/testUtils/trees';

const FILES = 2000;
const RUNS = 5;

const deployment = (i: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc-${i}
  namespace: team-${i % 7}
spec:
  template:
    metadata:
      labels:
        app: svc-${i}
    spec:
      serviceAccountName: svc-${i}
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: app
          image: ghcr.io/acme/svc-${i}:1.${i}.0
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
---
apiVersion: v1
kind: Service
metadata:
  name: svc-${i}
spec:
  selector:
    app: svc-${i}
  ports:
    - port: 80
`;

const workflow = (i: number) => `name: ci-${i}
on:
  pull_request:
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
      - run: make test-${i}
      - run: pipx run semgrep scan --error
`;

const source = (i: number) =>
  `// module ${i}\nexport function handler${i}(input: string): string {\n${'  input = input.trim();\n'.repeat(
    40,
  )}  return input;\n}\n`;

function generate(root: string) {
  const write = (p: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    fs.writeFileSync(path.join(root, p), text);
  };
  write('Dockerfile', `FROM node:22@sha256:${'a'.repeat(64)}\nUSER node\n`);
  write('SECURITY.md', '# Security\n');
  write('.github/CODEOWNERS', '* @acme/team\n');
  write('renovate.json', '{}\n');
  write(
    'deploy/kustomization.yaml',
    `resources:\n${Array.from(
      { length: 300 },
      (_, i) => `  - svc-${i}.yaml`,
    ).join('\n')}\n`,
  );
  let n = 5;
  for (let i = 0; i < 300; i++, n++)
    write(`deploy/svc-${i}.yaml`, deployment(i));
  for (let i = 0; i < 40; i++, n++)
    write(`.github/workflows/ci-${i}.yml`, workflow(i));
  for (let i = 0; i < 100; i++, n++)
    write(`config/app-${i}.properties`, `key.${i}=value\n`.repeat(30));
  for (let i = 0; n < FILES; i++, n++)
    write(`src/module-${Math.floor(i / 50)}/file-${i}.ts`, source(i));
}

/** A fixed amount of CPU work with no allocation: the machine's yardstick. */
function bareLoopMs(): number {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = process.hrtime.bigint();
    let x = 0;
    for (let i = 0; i < 50_000_000; i++) x = (x + i * 31) % 1_000_003;
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (x < 0) process.stdout.write(''); // keeps the loop from being elided
  }
  return [...times].sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

function percentile(sorted: number[], p: number): number {
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

async function main() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'zero-trust-bench-'));
  try {
    generate(root);
    const loadBefore = os.loadavg()[0];
    const bare = bareLoopMs();
    const times: number[] = [];
    let peakRss = process.memoryUsage().rss;
    let grade: string | null = null;
    for (let run = 0; run < RUNS; run++) {
      const start = process.hrtime.bigint();
      const tree = createRepositoryTree({
        source: root,
        files: readFilesRecursively(root),
      });
      const report = await scanRepository(tree);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      grade = report.grade;
    }
    const sorted = [...times].sort((a, b) => a - b);
    const median = percentile(sorted, 50);
    process.stdout.write(
      `files: ${FILES}, runs: ${RUNS}, grade: ${grade}\n` +
        `load average (1 min): ${loadBefore.toFixed(2)} before, ${os
          .loadavg()[0]
          .toFixed(2)} after\n` +
        `bare loop: ${bare.toFixed(1)} ms, median / bare loop: ${(
          median / bare
        ).toFixed(2)}\n` +
        `median: ${median.toFixed(1)} ms\n` +
        `p95: ${percentile(sorted, 95).toFixed(1)} ms\n` +
        `peak RSS: ${(
          Math.max(peakRss, process.resourceUsage().maxRSS * 1024) /
          1024 /
          1024
        ).toFixed(1)} MiB\n`,
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch(error => {
  process.stderr.write(`${error}\n`);
  process.exitCode = 1;
});
