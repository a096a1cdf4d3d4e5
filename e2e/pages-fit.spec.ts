import { expect, test } from '@playwright/test';
import {
  expectWithinWindowWidth,
  fullPageScreenshot,
  reloadUntil,
  screenshotDir,
  signInAsGuest,
} from './helpers';

test.describe.configure({ mode: 'serial' });

test('a service page shows maturity, owner, zero trust and toil in the first screen', async ({
  page,
}) => {
  test.setTimeout(5 * 60_000);
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/course-catalog-service');
  const maturity = page.getByText('Level per dimension').first();
  await reloadUntil(page, async () => {
    await expect(maturity).toBeVisible({ timeout: 10_000 });
  });
  // The summary starts within the 900-pixel window, not 1,650 px down.
  const box = await page
    .locator('.MuiCard-root')
    .filter({ has: maturity })
    .first()
    .boundingBox();
  expect(box!.y).toBeLessThan(900);
  await fullPageScreenshot(page, 'fit-01-service-overview');
});

test("the catalog table shows each Component's maturity level, within the window", async ({
  page,
}) => {
  test.setTimeout(5 * 60_000);
  await signInAsGuest(page);
  const table = page.getByRole('table');
  const maturity = table.getByRole('columnheader', { name: 'Maturity' });
  await reloadUntil(page, async () => {
    await expect(table.getByText(/^L\d$/).first()).toBeVisible({
      timeout: 10_000,
    });
  });
  await expectWithinWindowWidth(page, maturity);
  await fullPageScreenshot(page, 'fit-00-catalog');
});

test("a team's Group page shows its scorecard roll-up, zero-trust posture and toil", async ({
  page,
}) => {
  test.setTimeout(5 * 60_000);
  await signInAsGuest(page);
  await page.goto('/catalog/default/group/courses-team');
  await reloadUntil(page, async () => {
    await expect(page.getByText(/average over \d+ entit/)).toBeVisible({
      timeout: 10_000,
    });
  });
  await expect(page.getByText('Team zero-trust posture')).toBeVisible();
  await expect(page.getByLabel('team hours per week')).toBeVisible();
  await fullPageScreenshot(page, 'fit-09-group-page');
});

test('the scorecards heat map shows all eight dimensions, and the trend has the recorded history', async ({
  page,
}) => {
  test.setTimeout(5 * 60_000);
  await signInAsGuest(page);
  await page.goto('/maturity');
  const teams = page.getByRole('table', { name: 'Teams by dimension' });
  await reloadUntil(page, async () => {
    await expect(teams).toBeVisible({ timeout: 10_000 });
  });
  for (const title of [
    'Architecture and decomposition',
    'Delivery (GitOps)',
    'Scalability and elasticity',
    'Observability',
    'Security (zero trust)',
    'Operations and toil',
    'Reliability and recovery',
    'Ownership',
  ]) {
    await expectWithinWindowWidth(page, teams.locator(`th[title="${title}"]`));
  }
  await fullPageScreenshot(page, 'fit-02-scorecards');
});

test('the zero-trust tables keep every column and whole names', async ({
  page,
}) => {
  test.setTimeout(5 * 60_000);
  await signInAsGuest(page);
  await page.goto('/zero-trust');
  const byTeam = page.getByTestId('section-Posture by team');
  await reloadUntil(page, async () => {
    await expect(byTeam.getByRole('table')).toBeVisible({ timeout: 10_000 });
  });
  await expectWithinWindowWidth(
    page,
    byTeam.getByRole('columnheader', { name: 'Highest' }),
  );
  await expectWithinWindowWidth(
    page,
    page
      .getByTestId('section-Posture by system')
      .getByRole('columnheader', { name: 'Highest' }),
  );
  await fullPageScreenshot(page, 'fit-03-zero-trust');

  await page.goto(
    '/catalog/default/component/course-catalog-service/zero-trust',
  );
  await expect(page.getByText('Controls').first()).toBeVisible({
    timeout: 30_000,
  });
  await fullPageScreenshot(page, 'fit-04-zero-trust-service');
});

test('the toil register row actions are on screen, and the team trend marks what was not recorded', async ({
  page,
}) => {
  test.setTimeout(5 * 60_000);
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/payments-gateway/toil');
  const edit = page
    .getByRole('button', { name: 'edit Reconcile failed payouts by hand' })
    .first();
  await reloadUntil(page, async () => {
    await expect(edit).toBeVisible({ timeout: 10_000 });
  });
  await expectWithinWindowWidth(page, edit);
  await expectWithinWindowWidth(
    page,
    page
      .getByRole('button', { name: 'delete Reconcile failed payouts by hand' })
      .first(),
  );
  await fullPageScreenshot(page, 'fit-05-toil-register');

  // The courses team wrote most of its register down in October: the rise
  // comes with its "first recorded" bar, explained under the chart.
  await page.goto('/catalog/default/group/courses-team/toil');
  await expect(
    page.getByText(/a rise that comes with a bar is toil being recorded/),
  ).toBeVisible({ timeout: 30_000 });
  await fullPageScreenshot(page, 'fit-06-team-toil');
});

test('the review shows movement since its date, and says "not found" for a system that does not exist', async ({
  page,
}) => {
  test.setTimeout(5 * 60_000);
  await signInAsGuest(page);
  await page.goto('/maturity/review/default/learning-platform');
  const components = page.getByRole('table', {
    name: 'Components by dimension',
  });
  // With the recorded history, levels have moved since 90 days ago.
  await reloadUntil(page, async () => {
    await expect(components.getByText(/▲\d+/).first()).toBeVisible({
      timeout: 10_000,
    });
  });
  await fullPageScreenshot(page, 'fit-07-review');

  // The migration record: each aspect at the first snapshot and now. The
  // demo's GitOps history gives the deployment row its outcomes now.
  const record = page.getByRole('table', { name: 'Migration record' });
  await expect(
    record.getByText(/^First snapshot \(\d{4}-\d{2}-\d{2}\)$/),
  ).toBeVisible();
  const deployment = record
    .getByRole('row')
    .filter({ has: page.getByText('Deployment', { exact: true }) });
  // Where deployment started (the demo history records the outcomes of
  // each point from the GitOps history) and where it is now.
  await expect(
    deployment
      .getByRole('cell')
      .nth(1)
      .getByText(/Production deployments per week: \d/),
  ).toBeVisible();
  await expect(
    deployment
      .getByRole('cell')
      .nth(2)
      .getByText(/Production deployments per week: .*\d+(\.\d)? \/ week/),
  ).toBeVisible();
  await record.scrollIntoViewIfNeeded();
  await page.screenshot({
    path: `${screenshotDir}/fit-07b-migration-record.png`,
  });

  await page.goto('/maturity/review/default/no-such-system');
  await expect(page.getByText('System no-such-system not found')).toBeVisible({
    timeout: 30_000,
  });
  await expect(page.getByText(/No monolith|No anti-patterns/)).toHaveCount(0);
  await fullPageScreenshot(page, 'fit-08-review-not-found');
});
