import { expect, test } from '@playwright/test';
import { screenshotDir, signInAsGuest } from './helpers';

// A fresh name per run: publish:local refuses to overwrite a repository.
const name = `reviews-${Date.now().toString(36)}`;

test('a guest creates a cloud-native service with local publishing and opens it in the catalog', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await signInAsGuest(page);

  await page.goto('/create');
  await expect(
    page.getByText('Cloud-native service (TypeScript HTTP)').first(),
  ).toBeVisible();
  await page.screenshot({ path: `${screenshotDir}/templates-01-create.png` });
  // Each card has a Choose button; open this template's form by its route.
  await page.goto('/create/templates/default/cloud-native-service');

  // Step 1: the service.
  await page.getByRole('textbox', { name: /^name/i }).fill(name);
  await page
    .getByRole('textbox', { name: /^description/i })
    .fill('Learner reviews of courses, created by the e2e test.');
  const owner = page.getByRole('textbox', { name: 'Owner', exact: true });
  await owner.click();
  await owner.fill('courses');
  await page
    .getByRole('option', { name: /courses/i })
    .first()
    .click();
  const system = page.getByRole('textbox', { name: 'System', exact: true });
  await system.click();
  await system.fill('learning');
  await page
    .getByRole('option', { name: /learning/i })
    .first()
    .click();
  await page.screenshot({ path: `${screenshotDir}/templates-02-form.png` });
  await page.getByRole('button', { name: /next/i }).click();

  // Step 2: the platform defaults (Istio, Argo CD) and no GitHub repository.
  await expect(page.getByText('Service mesh').first()).toBeVisible();
  await page.getByRole('button', { name: /review/i }).click();
  await page.screenshot({ path: `${screenshotDir}/templates-03-review.png` });
  await page.getByRole('button', { name: /create/i }).click();

  // The task: render, record, validate (grade A, level 3), publish locally.
  const open = page.getByRole('link', { name: /open in catalog/i });
  await expect(open).toBeVisible({ timeout: 180_000 });
  await page.screenshot({ path: `${screenshotDir}/templates-04-task.png` });

  // The catalog registers the local repository within seconds.
  await open.click();
  // The entity page names the entity even before the catalog has it, so wait
  // for the owner from its catalog-info.yaml.
  await expect(async () => {
    await page.reload();
    await expect(page.getByText('Courses Team').first()).toBeVisible({
      timeout: 5_000,
    });
  }).toPass({ timeout: 120_000, intervals: [3_000] });
  await expect(
    page.getByRole('heading', { name: new RegExp(name) }).first(),
  ).toBeVisible();
  await page.screenshot({ path: `${screenshotDir}/templates-05-entity.png` });

  // Its API entity registers too: the catalog file's relative
  // `$text: ./openapi.yaml` is read from the local repository.
  await expect(async () => {
    await page.goto(`/catalog/default/api/${name}-api/definition`);
    await expect(page.getByText('/healthz').first()).toBeVisible({
      timeout: 5_000,
    });
  }).toPass({ timeout: 60_000, intervals: [3_000] });
  await page.screenshot({ path: `${screenshotDir}/templates-06-api.png` });
});
