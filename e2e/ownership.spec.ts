import { expect, test } from '@playwright/test';
import {
  expectNoneClipped,
  reloadUntil,
  screenshotDir,
  signInAsGuest,
} from './helpers';

test('the platform team reads ownership coverage, and a service shows its owner card', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signInAsGuest(page);

  // The coverage page is in the sidebar.
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Ownership', exact: true })
    .click();
  await expect(page).toHaveURL(/\/ownership$/);
  await expect(page.getByLabel('coverage percentage')).toHaveText(
    /\d+(\.\d)?%/,
    {
      timeout: 60_000,
    },
  );
  // The demo's deliberate problems are listed by kind, once the report
  // covers the whole demo catalog (the demo recomputes it every 30 s).
  await reloadUntil(page, async () => {
    await expect(page.getByText('No owner (1)')).toBeVisible({
      timeout: 5_000,
    });
  });
  await expect(
    page.getByText('Owned by a person, not a team (1)'),
  ).toBeVisible();
  await expect(page.getByText('Owner not in the catalog (1)')).toBeVisible();
  await expect(page.getByText('Owning group has no members (1)')).toBeVisible();
  await expect(page.getByText('Per team')).toBeVisible();
  await page.screenshot({ path: `${screenshotDir}/ownership-01-coverage.png` });

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: /Download CSV/ }).click();
  expect((await download).suggestedFilename()).toBe('ownership-coverage.csv');

  // The owner card of a service owned by a group with no members.
  await page.goto('/catalog/default/component/certificate-service');
  const card = page.locator('article, .MuiCard-root').filter({
    has: page.getByText('Ownership', { exact: true }),
  });
  await expect(card.getByText('This group has no members.')).toBeVisible({
    timeout: 60_000,
  });
  await expect(card.getByLabel('parent chain')).toContainText('Growth');
  await expect(
    card.getByRole('link', { name: 'Open a pull request' }).first(),
  ).toBeVisible();
  // Each problem's fix wraps within the card: none of it is clipped.
  await expectNoneClipped(card.getByText(/^Fix: /));
  await card.first().scrollIntoViewIfNeeded();
  await page.screenshot({
    path: `${screenshotDir}/ownership-02-entity-card.png`,
  });
});
