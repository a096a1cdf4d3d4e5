import { expect, test } from '@playwright/test';
import {
  expectNoneClipped,
  reloadUntil,
  screenshotDir,
  signInAsGuest,
} from './helpers';

test('a guest reads a service maturity tab, the scorecards and the review of the migrating system', async ({
  page,
}) => {
  test.setTimeout(6 * 60_000);
  await signInAsGuest(page);

  // 1. The service's Maturity tab: level, checks with evidence, history.
  await page.goto('/catalog/default/component/course-catalog-service/maturity');
  await reloadUntil(page, async () => {
    await expect(page.getByRole('button', { name: 'Refresh now' })).toBeVisible(
      { timeout: 10_000 },
    );
  });
  await expect(page.getByText('Maturity scorecard')).toBeVisible();
  await expect(page.getByLabel('score', { exact: true }).first()).toContainText(
    '/ 100',
  );
  await expect(page.getByText(/Level \d: /).first()).toBeVisible();
  await page.screenshot({
    path: `${screenshotDir}/maturity-01-entity-tab.png`,
  });

  // The overview carries the summary card with next steps.
  await page.goto('/catalog/default/component/course-catalog-service');
  await expect(page.getByText('Level per dimension')).toBeVisible({
    timeout: 20_000,
  });
  await page.screenshot({
    path: `${screenshotDir}/maturity-02-summary-card.png`,
  });

  // A service with long next steps: each why and blocker wraps in the card.
  await page.goto('/catalog/default/component/payments-gateway');
  const card = page.locator('.MuiCard-root').filter({
    has: page.getByText('Level per dimension'),
  });
  await expect(card.getByText('Next steps')).toBeVisible({ timeout: 20_000 });
  await expectNoneClipped(card.locator('.MuiListItemText-root'));

  // 2. The scorecards page: teams × dimensions, distribution, trend, failing checks.
  await page.goto('/maturity');
  const teams = page.getByRole('table', { name: 'Teams by dimension' });
  await reloadUntil(page, async () => {
    await expect(teams).toBeVisible({ timeout: 10_000 });
  });
  await expect(teams.getByText('Courses Team').first()).toBeVisible();
  await expect(page.getByText('Level distribution')).toBeVisible();
  await page.screenshot({
    path: `${screenshotDir}/maturity-03-scorecards.png`,
  });

  // The demo's guest is an admin: "Evaluate all now" runs a whole cycle at
  // once, and the page reads its scores when it ends.
  await page.getByRole('button', { name: 'Evaluate all now' }).click();
  await expect(page.getByText(/^Scores updated at /)).toBeVisible({
    timeout: 120_000,
  });
  await expect(teams.getByText('Courses Team').first()).toBeVisible();
  await page.screenshot({
    path: `${screenshotDir}/maturity-03b-evaluated-all.png`,
  });

  await teams
    .getByRole('button', { name: 'Show entities of courses-team' })
    .click();
  await expect(
    page.getByRole('table', { name: 'Entities of courses-team' }),
  ).toBeVisible({ timeout: 20_000 });
  await page.screenshot({
    path: `${screenshotDir}/maturity-04-team-drilldown.png`,
  });

  await page.getByRole('tab', { name: 'Campaigns' }).click();
  await expect(page.getByText('Campaigns').first()).toBeVisible();
  await page.screenshot({ path: `${screenshotDir}/maturity-05-campaigns.png` });

  // 3. The review of the system being migrated off the monolith.
  await page.goto('/maturity/review/default/learning-platform');
  await reloadUntil(page, async () => {
    await expect(page.getByText('Monolith decomposition')).toBeVisible({
      timeout: 10_000,
    });
  });
  await expect(page.getByText(/6 of 8 capabilities extracted/)).toBeVisible();
  await expect(
    page.getByRole('table', { name: 'Components by dimension' }),
  ).toBeVisible();
  await page.screenshot({ path: `${screenshotDir}/maturity-06-review.png` });
  await page.screenshot({
    path: `${screenshotDir}/maturity-07-review-full.png`,
    fullPage: true,
  });
});

test("a service's and a team's delivery outcomes: DORA's four keys with their clusters, evidence and the team's roll-up", async ({
  page,
}) => {
  test.setTimeout(4 * 60_000);
  await signInAsGuest(page);

  // The pilot service deploys several times a working day (demo GitOps history).
  await page.goto('/catalog/default/component/course-catalog-service/maturity');
  const outcomes = page.getByRole('table', {
    name: 'Delivery outcomes',
    exact: true,
  });
  const frequency = outcomes.getByTestId('outcome-deployment-frequency');
  await reloadUntil(page, async () => {
    await expect(frequency).toContainText(/\d \/ week/, { timeout: 10_000 });
  });
  await expect(frequency.getByLabel(/^DORA cluster /)).toBeVisible();
  await expect(outcomes.getByTestId('outcome-time-to-restore')).toBeVisible();
  // Cost comes from an OpenCost source the demo may not have: only its row.
  await expect(outcomes.getByTestId('outcome-monthly-cost')).toBeVisible();
  await frequency.getByRole('button', { name: /^Evidence/ }).click();
  await expect(
    page.getByRole('list', { name: 'Evidence of Deployment frequency' }),
  ).toBeVisible();
  await outcomes.scrollIntoViewIfNeeded();
  await page.screenshot({
    path: `${screenshotDir}/maturity-08-delivery-outcomes.png`,
  });

  // The team's roll-up on its Group page, with each service's values.
  await page.goto('/catalog/default/group/courses-team');
  const team = page.getByRole('table', { name: 'Team delivery outcomes' });
  await reloadUntil(page, async () => {
    await expect(
      team.getByTestId('team-outcome-deployment-frequency'),
    ).toContainText(/\d \/ week/, { timeout: 10_000 });
  });
  const services = page.getByRole('table', {
    name: 'Delivery outcomes per service',
  });
  await expect(
    services.getByRole('link', { name: /course.catalog.service/i }),
  ).toBeVisible();
  await team.scrollIntoViewIfNeeded();
  await page.screenshot({
    path: `${screenshotDir}/maturity-09-team-delivery-outcomes.png`,
  });
});
