import { expect, test } from '@playwright/test';
import { screenshotDir, signInAsGuest } from './helpers';

test.use({ viewport: { width: 1440, height: 900 } });

// Runs after a restart in which the guest signs in as Chloe Dubois of the
// payments team (e2e/run.mjs), after fleet-fixes.spec.ts opened fix
// branches for the team's invoice and coupon services.
test('an owner of the fixed services finds one notification for the team, with both services', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/notifications');
  const notification = page.getByText(
    'Fix pull requests to review: A PodDisruptionBudget keeps it available during maintenance',
  );
  await expect(notification.first()).toBeVisible({ timeout: 30_000 });
  // Two runs opened or reused the same branches; only the first opened them.
  await expect(notification).toHaveCount(1);
  await expect(notification.first()).toBeVisible();
  const card = page.getByText(/changes were proposed so that/).first();
  await expect(card).toContainText('coupon-service');
  await expect(card).toContainText('invoice-service');
  await page.screenshot({
    path: `${screenshotDir}/fleet-04-owner-notified.png`,
  });
});

test('the owner mutes the fix topic in the notification settings, and it stays muted', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/settings/notifications');
  // The scorecard's topics sit under its origin row; one topic per check,
  // named after it: muting it leaves the others on.
  const fixTopic = async () => {
    await page
      .getByRole('row', { name: /Maturity scorecard/ })
      .getByRole('button', { name: 'expand row' })
      .click({ timeout: 30_000 });
    return page.getByRole('row', {
      name: /Fix pull requests: A PodDisruptionBudget keeps it available/,
    });
  };
  const topic = await fixTopic();
  await expect(topic.getByRole('switch')).toBeChecked();
  // The switch's input is visually hidden inside its label: a person
  // clicks the label.
  await topic.locator('label').click();
  await expect(topic.getByRole('switch')).not.toBeChecked();
  await page.reload();
  await expect((await fixTopic()).getByRole('switch')).not.toBeChecked({
    timeout: 30_000,
  });
  await page.screenshot({
    path: `${screenshotDir}/fleet-05-topic-muted.png`,
  });
});
