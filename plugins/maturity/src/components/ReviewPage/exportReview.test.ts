import Papa from 'papaparse';
import { review } from '../../__testUtils__/fixtures';
import { reviewToCsv, reviewToMarkdown } from './exportReview';
import { migrationRecord } from './migrationRecord.fixture';

const dimensions = [
  { id: 'delivery', title: 'Delivery (GitOps)' },
  { id: 'observability', title: 'Observability' },
];

describe('review export', () => {
  it('writes one CSV row per component with levels now and before', () => {
    const parsed = Papa.parse<Record<string, string>>(
      reviewToCsv(review, dimensions),
      { header: true },
    );
    expect(parsed.data).toEqual([
      {
        entity: 'component:default/enrolment-service',
        title: 'Enrolment service',
        type: 'service',
        owner: 'group:default/courses-team',
        level: '3',
        levelBefore: '2',
        score: '72',
        scoreBefore: '60',
        delivery: '3',
        deliveryBefore: '2',
        observability: '2',
        observabilityBefore: '2',
      },
    ]);
  });

  it.each([
    '=HYPERLINK("http://x","y")',
    '+1+cmd|" /C calc"!A0',
    '-2+3',
    '@SUM(1,2)',
    '\t=1+1',
    '\r=1+1',
    '=HYPERLINK("http://x","y")\nsecond line',
  ])('prefixes a title, type and owner starting %j with a quote', text => {
    const parsed = Papa.parse<Record<string, string>>(
      reviewToCsv(
        {
          ...review,
          components: [
            {
              ...review.components[0],
              title: text,
              type: text,
              ownerRef: text,
            },
          ],
        },
        dimensions,
      ),
      { header: true },
    );
    expect(parsed.data[0]).toMatchObject({
      title: `'${text}`,
      type: `'${text}`,
      owner: `'${text}`,
      level: '3',
      score: '72',
    });
  });

  it('writes a component none of whose dimensions was evaluated as not evaluated, not as level 1 with a score of 0, and compares with no unmeasured history point', () => {
    const unmeasured = {
      ...review,
      components: [
        {
          ...review.components[0],
          level: 1,
          score: 0,
          dimensions: [
            { dimension: 'delivery', level: null, score: null },
            { dimension: 'observability', level: null, score: null },
          ],
        },
        {
          ...review.components[0],
          entityRef: 'component:default/measured-since',
          title: 'Measured since',
          // Its history point at the start measured nothing.
          before: { level: 1, score: 0, dimensions: {} },
        },
      ],
    };
    const rows = Papa.parse<Record<string, string>>(
      reviewToCsv(unmeasured, dimensions),
      { header: true },
    ).data;
    expect(rows[0]).toMatchObject({
      level: 'not evaluated',
      score: '',
      delivery: '',
    });
    expect(rows[1]).toMatchObject({
      level: '3',
      levelBefore: '',
      score: '72',
      scoreBefore: '',
    });
    const markdown = reviewToMarkdown(unmeasured, dimensions, 'Learning');
    expect(markdown).toContain(
      '| Enrolment service | group:default/courses-team | not evaluated | - | not evaluated | not evaluated |',
    );
    expect(markdown).toContain(
      '| Measured since | group:default/courses-team | 3 (new) | 72 (new) |',
    );
  });

  it('writes Markdown sections with the changes and escapes pipes', () => {
    const md = reviewToMarkdown(
      {
        ...review,
        components: [{ ...review.components[0], title: 'Enrolment | v2' }],
      },
      dimensions,
      'System learning-platform',
    );
    expect(md).toContain('# Architecture review: System learning-platform');
    expect(md).toContain('1/2 capabilities extracted');
    expect(md).toContain('| reporting | remains |  |');
    expect(md).toContain(
      '| Enrolment \\| v2 | group:default/courses-team | 3 (+1) | 72 (+12) | 3 (+1) | 2 (=) |',
    );
    expect(md).toContain('- **Big-bang extraction without tracing** (high)');
    expect(md).toContain(
      '- Distributed tracing (observability, L3): 4 failing, 1 unknown',
    );
  });

  it('writes "not evaluated yet" rather than "No monolith" or "No anti-patterns" before the first evaluation', () => {
    const markdown = reviewToMarkdown(
      {
        ...review,
        components: [],
        decomposition: [],
        risks: [],
        topFailingChecks: [],
      },
      dimensions,
      'System learning-platform',
    );
    expect(markdown).toContain('Not evaluated yet');
    expect(markdown).not.toContain('No monolith');
    expect(markdown).not.toContain('No anti-patterns');
  });

  it('exports the migration record with the Markdown: one line per aspect, then and now', () => {
    const markdown = reviewToMarkdown(
      { ...review, migrationRecord },
      dimensions,
      'Learning platform',
    );
    expect(markdown).toContain(
      '## Migration record: traditional → future-ready',
    );
    expect(markdown).toContain(
      '| Deployment | L1 Traditional; Production deployments per week: 0.1 / week (one every 13 weeks); Lead time for changes: 21 days | L2 Foundational; Production deployments per week: 9.5 / week; Lead time for changes: 30 min | Blocking the next level: GitOps sync (2 components) |',
    );
    expect(markdown).toContain(
      '| Cost | Cost per month: not measured | Cost per month: not measured | Cost per month: not measured (set maturity.outcomes.opencost.baseUrl) |',
    );
  });
});
