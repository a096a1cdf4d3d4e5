#!/usr/bin/env node
// Writes examples/history/brightpath-maturity-history.json: the recorded
// six-month maturity timeline of the demo organization, which the portal
// applies at first start (maturity.demo.recordedHistory in app-config.yaml).
//
//   node scripts/generate-demo-history.mjs          rewrite the file
//   node scripts/generate-demo-history.mjs --check  fail if the file is stale
//
// Deterministic: every value comes from a SHA-256 of the seed, the entity and
// the dimension, never from Math.random, so the same inputs give the same
// file. Each point says how far the entity stood *below its levels of today*
// (offsets of 0 or less), so the history always leads to the scores the
// portal computes now, whatever the model or the example repositories say.
// A service extracted from the monolith has no history before its
// extraction date (the cloud-native-portal/extracted-at annotation).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { parseAllDocuments } = createRequire(
  join(root, 'plugins/maturity-backend/package.json'),
)('yaml');

const SEED = 'brightpath-learning-2026';
const OUT = join(root, 'examples/history/brightpath-maturity-history.json');
const ENTITIES = join(root, 'examples/entities.yaml');
// The demo's six months: a point every two weeks, the last one a week before
// the demo's "today" (2026-12-06), so the first live evaluation follows it.
const FIRST = Date.UTC(2026, 5, 7); // 2026-06-07
const LAST = Date.UTC(2026, 10, 29); // 2026-11-29
const STEP_DAYS = 14;
const DIMENSIONS = [
  'architecture',
  'delivery',
  'scalability',
  'observability',
  'security',
  'operations',
  'reliability',
  'ownership',
];
const DAY = 86400_000;

/** A number in [0, 1) from the seed and the given parts. */
function unit(...parts) {
  const digest = createHash('sha256')
    .update([SEED, ...parts].join('\u0000'))
    .digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/** An integer in [min, max] from the seed and the given parts. */
function between(min, max, ...parts) {
  return min + Math.floor(unit(...parts) * (max - min + 1));
}

const isoDay = ms => new Date(ms).toISOString().slice(0, 10);

function components() {
  return parseAllDocuments(readFileSync(ENTITIES, 'utf8'))
    .map(doc => doc.toJS())
    .filter(e => e?.kind === 'Component')
    .map(e => {
      const extractedAt =
        e.metadata.annotations?.['cloud-native-portal/extracted-at'];
      return {
        ref: `component:${e.metadata.namespace ?? 'default'}/${
          e.metadata.name
        }`,
        type: e.spec?.type,
        start: extractedAt ? Date.parse(`${extractedAt}T00:00:00Z`) : FIRST,
      };
    })
    .sort((a, b) => a.ref.localeCompare(b.ref));
}

/**
 * One entity's story: per dimension, how many levels it gained over its
 * window and when each gain landed; at most one dimension dips one level
 * for a month and recovers (an incident, a dropped dashboard).
 */
function timeline(entity) {
  const start = Math.max(entity.start, FIRST);
  const days = [];
  for (let t = FIRST; t <= LAST; t += STEP_DAYS * DAY) {
    if (t >= start) days.push(t);
  }
  // A service extracted between two points starts on its extraction day.
  if (entity.start > FIRST && (days.length === 0 || days[0] > entity.start)) {
    days.unshift(entity.start);
  }
  if (days.length === 0) return [];
  const young = entity.start > FIRST;
  const monolith = entity.type === 'monolith';
  const steps = Object.fromEntries(
    DIMENSIONS.map(dimension => {
      // A monolith moves slowly; a young service climbs fast.
      let gain = between(0, monolith ? 1 : 2, entity.ref, dimension, 'gain');
      if (young) gain = Math.max(gain, 1);
      const at = Array.from({ length: gain }, (_, i) =>
        Math.round(
          start + unit(entity.ref, dimension, 'step', i) * (LAST + DAY - start),
        ),
      );
      return [dimension, at];
    }),
  );
  const dipDimension =
    unit(entity.ref, 'dip') < 0.35
      ? DIMENSIONS[between(0, DIMENSIONS.length - 1, entity.ref, 'dip-dim')]
      : undefined;
  const dipAt = days[between(1, Math.max(1, days.length - 3), entity.ref)];
  return days.map(t => {
    const dimensions = {};
    for (const dimension of DIMENSIONS) {
      let offset = -steps[dimension].filter(at => at > t).length;
      if (
        dimension === dipDimension &&
        dipAt !== undefined &&
        t >= dipAt &&
        t < dipAt + 30 * DAY
      ) {
        offset -= 1;
      }
      dimensions[dimension] = offset;
    }
    const offsets = Object.values(dimensions);
    const behind = offsets.reduce((sum, o) => sum + o, 0);
    const noise =
      t === days[days.length - 1] ? 0 : between(-2, 1, entity.ref, t);
    return {
      at: isoDay(t),
      level: Math.max(-2, Math.min(...offsets, 0)),
      score: Math.min(0, Math.round(behind * 4.5) + noise),
      dimensions,
    };
  });
}

const file = {
  description:
    'The Brightpath Learning demo organization over six months: per component and date, how far each score stood below the levels the portal computes today (0 is today\u2019s level). Applied once, at first start, to an empty maturity history (maturity.demo.recordedHistory).',
  generatedBy: 'scripts/generate-demo-history.mjs',
  seed: SEED,
  entities: Object.fromEntries(
    components()
      .map(entity => [entity.ref, timeline(entity)])
      .filter(([, points]) => points.length > 0),
  ),
};
const text = `${JSON.stringify(file, null, 2)}\n`;
if (process.argv.includes('--check')) {
  if (readFileSync(OUT, 'utf8') !== text) {
    console.error(
      `${OUT} is not what scripts/generate-demo-history.mjs writes; run it.`,
    );
    process.exit(1);
  }
  console.log(`${OUT} is up to date.`);
} else {
  writeFileSync(OUT, text);
  console.log(
    `Wrote ${OUT}: ${
      Object.keys(file.entities).length
    } components, ${Object.values(file.entities).reduce(
      (n, points) => n + points.length,
      0,
    )} points.`,
  );
}
