import { expect, test } from '@playwright/test';
import { screenshotDir, signInAsGuest } from './helpers';

// e2e/run.mjs serves a catalog-info.yaml for this entity on a loopback port,
// runs the "register" phase, restarts the portal, then runs the "survives" phase.
const phase = process.env.E2E_PERSISTENCE_PHASE;
const entityUrl = process.env.E2E_REGISTER_URL;
const entityName = 'learner-notes-service';

test.describe('an entity registered through the UI', () => {
  test.skip(!phase || !entityUrl, 'run through `yarn test:e2e`');

  test('is registered with the catalog import page', async ({ page }) => {
    test.skip(phase !== 'register');
    await signInAsGuest(page);
    await page.goto('/catalog-import');
    await page.getByRole('textbox', { name: /url/i }).fill(entityUrl!);
    await page.getByRole('button', { name: /analyze/i }).click();
    await expect(page.getByText(entityName).first()).toBeVisible();
    await page.getByRole('button', { name: /^import$/i }).click();
    await expect(
      page.getByRole('button', { name: /view component/i }),
    ).toBeVisible();
    await page.screenshot({ path: `${screenshotDir}/03-registered.png` });
  });

  test('is still in the catalog after the portal restarts', async ({
    page,
  }) => {
    test.skip(phase !== 'survives');
    await signInAsGuest(page);
    await page.goto(`/catalog/default/component/${entityName}`);
    await expect(
      page.getByText('Notes learners keep beside their courses').first(),
    ).toBeVisible();
    await page.screenshot({ path: `${screenshotDir}/04-after-restart.png` });
  });
});
