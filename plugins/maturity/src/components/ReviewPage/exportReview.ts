import Papa from 'papaparse';
import type { ReviewResponse } from '../../api';
import { measuredBefore, noDimensionEvaluated } from '../evidence';
import { formatRecordState } from './migrationRecordFormat';

function delta(now: number, before?: number): string {
  if (before === undefined) return 'new';
  const d = Math.round(now - before);
  if (d === 0) return '=';
  return d > 0 ? `+${d}` : `${d}`;
}

/**
 * Cells a spreadsheet would run as a formula. papaparse's own `true` setting
 * uses `/^[=+\-@\t\r].*$/`, which misses a formula followed by a line break
 * (`.` stops at `\n`), so the option gets this pattern instead.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV row per component: level, score and each dimension, now and before.
 * Catalog text a spreadsheet would run as a formula is prefixed with a quote.
 */
export function reviewToCsv(
  review: ReviewResponse,
  dimensions: Array<{ id: string; title: string }>,
): string {
  const rows = review.components.map(c => {
    const measured = !noDimensionEvaluated(c.dimensions);
    const before = measuredBefore(c);
    const row: Record<string, string | number> = {
      entity: c.entityRef,
      title: c.title ?? '',
      type: c.type ?? '',
      owner: c.ownerRef ?? '',
      level: measured ? c.level : 'not evaluated',
      levelBefore: before?.level ?? '',
      score: measured ? Math.round(c.score) : '',
      scoreBefore: before ? Math.round(before.score) : '',
    };
    for (const d of dimensions) {
      row[d.id] = c.dimensions.find(x => x.dimension === d.id)?.level ?? '';
      row[`${d.id}Before`] = c.before?.dimensions[d.id] ?? '';
    }
    return row;
  });
  return Papa.unparse(rows, {
    columns: [
      'entity',
      'title',
      'type',
      'owner',
      'level',
      'levelBefore',
      'score',
      'scoreBefore',
      ...dimensions.flatMap(d => [d.id, `${d.id}Before`]),
    ],
    escapeFormulae: FORMULA_START,
  });
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The review as Markdown for the meeting record. */
export function reviewToMarkdown(
  review: ReviewResponse,
  dimensions: Array<{ id: string; title: string }>,
  title: string,
): string {
  const lines: string[] = [];
  lines.push(`# Architecture review: ${title}`, '');
  lines.push(
    `Changes since ${review.since.slice(0, 10)}; exported ${new Date()
      .toISOString()
      .slice(0, 10)}.`,
    '',
  );
  // Nothing scored yet is not the same as nothing found.
  const evaluated = review.components.length > 0;
  const notEvaluated =
    'Not evaluated yet: no component of this scope has been scored.';
  lines.push('## Monolith decomposition', '');
  if (!evaluated) lines.push(notEvaluated, '');
  else if (review.decomposition.length === 0)
    lines.push('No monolith in scope.', '');
  for (const d of review.decomposition) {
    const extracted = d.capabilities.filter(c => c.extractedTo);
    lines.push(
      `### ${d.title ?? d.monolith}: ${extracted.length}/${
        d.capabilities.length
      } capabilities extracted`,
      '',
      '| Capability | Extracted to | When |',
      '| --- | --- | --- |',
      ...d.capabilities.map(
        c =>
          `| ${cell(c.name)} | ${cell(c.extractedTo ?? 'remains')} | ${
            c.extractedAt?.slice(0, 10) ?? ''
          } |`,
      ),
      '',
      `Remaining: ${d.remaining.length ? d.remaining.join(', ') : 'none'}`,
      '',
    );
  }
  const record = review.migrationRecord;
  if (record) {
    lines.push('## Migration record: traditional → future-ready', '');
    if (!record.firstSnapshotAt) {
      lines.push(
        'No history yet: the record starts with the first evaluation.',
        '',
      );
    } else {
      lines.push(
        `| Aspect | First snapshot (${record.firstSnapshotAt.slice(
          0,
          10,
        )}) | Now | Evidence now |`,
        '| --- | --- | --- | --- |',
        ...record.rows.map(
          r =>
            `| ${cell(r.title)} | ${cell(
              formatRecordState(r, r.then),
            )} | ${cell(formatRecordState(r, r.now))} | ${cell(
              r.now.evidence.join('; '),
            )} |`,
        ),
        '',
      );
    }
  }
  lines.push('## Components', '');
  lines.push(
    `| Component | Owner | Level | Score | ${dimensions
      .map(d => cell(d.title))
      .join(' | ')} |`,
    `| --- | --- | --- | --- | ${dimensions.map(() => '---').join(' | ')} |`,
  );
  for (const c of review.components) {
    const dims = dimensions.map(d => {
      const now = c.dimensions.find(x => x.dimension === d.id)?.level;
      if (now === undefined) return '-';
      if (now === null) return 'not evaluated';
      return `${now} (${delta(now, c.before?.dimensions[d.id])})`;
    });
    const before = measuredBefore(c);
    const overall = noDimensionEvaluated(c.dimensions)
      ? 'not evaluated | -'
      : `${c.level} (${delta(c.level, before?.level)}) | ${Math.round(
          c.score,
        )} (${delta(c.score, before?.score)})`;
    lines.push(
      `| ${cell(c.title ?? c.entityRef)} | ${cell(
        c.ownerRef ?? '-',
      )} | ${overall} | ${dims.join(' | ')} |`,
    );
  }
  lines.push('', '## Risks', '');
  if (!evaluated) lines.push(notEvaluated);
  else if (review.risks.length === 0) lines.push('No anti-patterns found.');
  for (const r of review.risks) {
    lines.push(
      `- **${r.title}** (${r.severity}): ${r.entities.join(', ')}.${
        r.detail ? ` ${r.detail}` : ''
      }${r.guidance ? ` Guidance: ${r.guidance}` : ''}`,
    );
  }
  lines.push('', '## Top failing checks', '');
  if (review.topFailingChecks.length === 0) lines.push('None.');
  for (const c of review.topFailingChecks) {
    lines.push(
      `- ${c.title} (${c.dimension ?? '-'}, L${c.level ?? '-'}): ${
        c.failing
      } failing, ${c.unknown} unknown`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

/** Lets the browser save a text file. */
export function download(filename: string, type: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}
