import { expect, Page, test } from '@playwright/test';
import { screenshotDir, signInAsGuest } from './helpers';

// The register is seeded from examples/toil shortly after the catalog has
// ingested the demo organization, so the first visit may need a reload.
async function openWithSeededRegister(page: Page, path: string, text: RegExp) {
  await expect(async () => {
    await page.goto(path);
    await expect(page.getByText(text).first()).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 120_000 });
}

test('a guest reads a service toil card and register, and a team toil page', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await signInAsGuest(page);

  // The card on the service overview: hours/week, toil %, best candidate.
  await openWithSeededRegister(
    page,
    '/catalog/default/component/payments-gateway',
    /Best automation candidate/,
  );
  await expect(
    page.getByText('Reconcile failed payouts by hand').first(),
  ).toBeVisible();
  await expect(page.getByText(/51% toil \(red\)/).first()).toBeVisible();
  await page.screenshot({ path: `${screenshotDir}/toil-01-service-card.png` });

  // The register tab, editable by the guest (an admin in the demo).
  await page.goto('/catalog/default/component/payments-gateway/toil');
  await expect(page.getByText('Toil register')).toBeVisible();
  await expect(page.getByText('Patch base images')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add task' })).toBeEnabled();
  await page.screenshot({
    path: `${screenshotDir}/toil-02-service-register.png`,
  });

  // The add form validates as you type.
  await page.getByRole('button', { name: 'Add task' }).click();
  await page.getByLabel('People').fill('0');
  await expect(page.getByText('must be at least 1')).toBeVisible();
  await page.screenshot({
    path: `${screenshotDir}/toil-03-form-validation.png`,
  });
  await page.getByRole('button', { name: 'Cancel' }).click();

  // A service with no register yet says so.
  await page.goto('/catalog/default/component/search-indexer');
  await expect(page.getByText(/No toil register yet/).first()).toBeVisible();
  await page.screenshot({ path: `${screenshotDir}/toil-04-no-register.png` });

  // The team page: gauge, categories, trend and backlog.
  await page.goto('/catalog/default/group/learning-experience/toil');
  await expect(page.getByText('Toil % of operations capacity')).toBeVisible();
  await expect(page.getByText(/Automation backlog/)).toBeVisible();
  await expect(
    page.getByText(/Own rows only: 21.4 h\/week, 54%/),
  ).toBeVisible();
  await page.screenshot({
    path: `${screenshotDir}/toil-05-team-page.png`,
    fullPage: true,
  });

  // The organization view ranks teams by toil %.
  await page.goto('/toil');
  const rows = page.getByRole('row');
  await expect(rows.nth(1)).toContainText('Learning Experience');
  await page.screenshot({ path: `${screenshotDir}/toil-06-org-ranking.png` });
});
