import { expect, test } from '@playwright/test';
import {
  pickEntity,
  reloadUntil,
  screenshotDir,
  signInAsGuest,
} from './helpers';

test.use({ viewport: { width: 1440, height: 900 } });

test('a platform lead runs a campaign: system picked from the catalog, due state, progress over time, who is short and by which checks', async ({
  page,
}) => {
  test.setTimeout(4 * 60_000);
  await signInAsGuest(page);
  await page.goto('/maturity');
  await reloadUntil(page, async () => {
    await expect(
      page.getByRole('table', { name: 'Teams by dimension' }),
    ).toBeVisible({ timeout: 10_000 });
  });
  await page.getByRole('tab', { name: 'Campaigns' }).click();
  await page.getByRole('button', { name: 'New campaign' }).click();

  // Every field is found by its label.
  const dialog = page.getByRole('dialog');
  const title = `Learning platform at Security level 3 (${Date.now()})`;
  await dialog.getByLabel('Title').fill(title);
  await dialog
    .getByLabel('Dimension')
    .selectOption({ label: 'Security (zero trust)' });
  await dialog.getByLabel('Target level').selectOption('3');
  const deadline = new Date(Date.now() + 60 * 86400_000)
    .toISOString()
    .slice(0, 10);
  await dialog.getByLabel('Deadline').fill(deadline);
  await pickEntity(page, 'System', 'Learning', /Learning platform/);
  await dialog.getByRole('button', { name: 'Create campaign' }).click();

  // The new campaign opens: due state, progress over time, who is short.
  const short = page.getByRole('table', { name: 'Entities still short' });
  await expect(short).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText(/^Due in \d+ days$/).first()).toBeVisible();
  await expect(page.getByText('Progress over time')).toBeVisible();
  await expect(
    short.getByRole('columnheader', { name: /^Security.* level$/ }),
  ).toBeVisible();
  // Blocking checks by title, not by id.
  await expect(
    short.getByText(/mTLS is STRICT between services/).first(),
  ).toBeVisible();
  await expect(short.getByText(/sec-mtls-strict/)).toHaveCount(0);
  // Each owning team is told once, through the portal's notifications.
  await page.getByRole('button', { name: 'Notify owners' }).click();
  await expect(page.getByText(/^Notified \d+ teams?: /)).toBeVisible({
    timeout: 20_000,
  });
  // The page scrolls inside Backstage's content area, so each part is
  // scrolled into view for its own screenshot.
  await page.getByText('Progress over time').scrollIntoViewIfNeeded();
  await page.screenshot({
    path: `${screenshotDir}/campaigns-01-campaign-progress.png`,
    fullPage: true,
  });
  await short.scrollIntoViewIfNeeded();
  await page.screenshot({
    path: `${screenshotDir}/campaigns-02-campaign-short.png`,
    fullPage: true,
  });

  // Clean up: the campaign was only for this test.
  await page.getByRole('button', { name: `Delete campaign ${title}` }).click();
  await expect(
    page.getByRole('button', { name: `Delete campaign ${title}` }),
  ).toHaveCount(0);
});

test('the roll-ups do not mislead: checks ranked by what blocks the next level, toil no team carries', async ({
  page,
}) => {
  test.setTimeout(4 * 60_000);
  await signInAsGuest(page);

  await page.goto('/maturity');
  const checks = page.getByRole('table', { name: 'Top failing checks' });
  await reloadUntil(page, async () => {
    await expect(checks).toBeVisible({ timeout: 10_000 });
  });
  await expect(
    checks.getByRole('columnheader', { name: 'Blocks next level' }),
  ).toBeVisible();
  // An owner that resolves to no group is a problem, not a team.
  const teams = page.getByRole('table', { name: 'Teams by dimension' });
  await expect(
    teams
      .getByRole('row')
      .filter({ hasText: 'search-guild' })
      .getByText('Problem: owner not in the catalog'),
  ).toBeVisible();
  await teams.getByText('search-guild').scrollIntoViewIfNeeded();
  await page.screenshot({
    path: `${screenshotDir}/rollups-00-owners-that-are-not-teams.png`,
    fullPage: true,
  });
  await checks.scrollIntoViewIfNeeded();
  await page.screenshot({
    path: `${screenshotDir}/rollups-01-checks-that-fail-most.png`,
    fullPage: true,
  });

  // 23 h/week of quiz-engine's toil belongs to no team; it is shown.
  // The demo's toil register is imported at start, possibly after this page
  // is first read.
  await page.goto('/toil');
  const unowned = page.getByRole('table', { name: 'Toil no team carries' });
  await reloadUntil(page, async () => {
    await expect(unowned.getByText('Quiz engine')).toBeVisible({
      timeout: 10_000,
    });
  });
  await expect(unowned.getByText('23.0 h/week')).toBeVisible();
  await expect(page.getByText('no toil recorded').first()).toBeVisible();
  await unowned.scrollIntoViewIfNeeded();
  await page.screenshot({
    path: `${screenshotDir}/rollups-02-toil.png`,
    fullPage: true,
  });

  await page.goto('/ownership');
  await expect(page.getByLabel('coverage percentage')).toHaveText(
    /\d+(\.\d)?%/,
    { timeout: 60_000 },
  );
  await page.screenshot({
    path: `${screenshotDir}/rollups-03-ownership.png`,
    fullPage: true,
  });
});
