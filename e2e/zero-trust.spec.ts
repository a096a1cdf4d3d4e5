import { expect, Page, test } from '@playwright/test';
import { reloadUntil, screenshotDir, signInAsGuest } from './helpers';

const postureCard = (page: Page) =>
  page
    .locator('.MuiCard-root')
    .filter({ has: page.getByText('Zero-trust posture', { exact: true }) });

test('a guest reads the zero-trust posture of a good and a bad service, and of the organization', async ({
  page,
}) => {
  test.setTimeout(6 * 60_000);
  await signInAsGuest(page);

  // 1. course-catalog-service: grade A on its overview card.
  await page.goto('/catalog/default/component/course-catalog-service');
  await reloadUntil(page, async () => {
    await expect(
      postureCard(page).getByRole('img', { name: 'Grade A' }),
    ).toBeVisible({ timeout: 10_000 });
  });
  await expect(postureCard(page).getByText('Score 100 / 100')).toBeVisible();
  await expect(
    postureCard(page).getByText('No failing controls.'),
  ).toBeVisible();
  await postureCard(page).scrollIntoViewIfNeeded();
  await page.screenshot({
    path: `${screenshotDir}/zero-trust-01-card-grade-a.png`,
  });

  // 2. payments-gateway: grade F, Critical failures first, with evidence and a fix.
  await page.goto('/catalog/default/component/payments-gateway');
  const card = postureCard(page);
  await reloadUntil(page, async () => {
    await expect(card.getByRole('img', { name: 'Grade F' })).toBeVisible({
      timeout: 10_000,
    });
  });
  await expect(card.getByText(/\d+ Critical failures/)).toBeVisible();
  await expect(card.getByText(/No plaintext secrets/)).toBeVisible();
  // The overview card is short: evidence and fixes are on the tab.
  await expect(
    card.getByRole('link', {
      name: 'Evidence and fixes on the Zero trust tab',
    }),
  ).toBeVisible();
  await card.scrollIntoViewIfNeeded();
  await page.screenshot({
    path: `${screenshotDir}/zero-trust-02-card-grade-f.png`,
  });

  // 3. The entity tab lists every control.
  await page.goto('/catalog/default/component/payments-gateway/zero-trust');
  await expect(page.getByText('Controls', { exact: true })).toBeVisible();
  await expect(page.getByText('Strict mutual TLS')).toBeVisible();
  await expect(page.getByText('Code owners and required review')).toBeVisible();
  await expect(page.getByText('k8s/secret.yaml:9').first()).toBeVisible();
  await expect(
    page.getByText(/Remove the secret from git/).first(),
  ).toBeVisible();
  await expect(page.getByText('Posture score history')).toBeVisible();
  await page.screenshot({
    path: `${screenshotDir}/zero-trust-03-entity-tab.png`,
    fullPage: true,
  });

  // 4. The organization page, from the sidebar.
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Zero trust' })
    .click();
  await expect(page).toHaveURL(/\/zero-trust$/);
  await expect(page.getByRole('heading', { name: 'Zero trust' })).toBeVisible();
  const critical = page.getByTestId('section-Services with Critical failures');
  await expect(
    critical.getByText(/payments[- ]gateway/i).first(),
  ).toBeVisible();
  await expect(
    page.getByTestId('section-Posture by team').getByRole('table'),
  ).toBeVisible();
  await expect(
    page.getByTestId('section-Controls failing most often').getByRole('table'),
  ).toBeVisible();
  await page.screenshot({
    path: `${screenshotDir}/zero-trust-04-org-page.png`,
    fullPage: true,
  });
});
