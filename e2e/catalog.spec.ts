import { expect, test } from '@playwright/test';
import { screenshotDir, signInAsGuest } from './helpers';

const componentLink = (name: string) =>
  `a[href$="/catalog/default/component/${name}"]`;

test('a guest opens the catalog, sees the monolith and its services, and opens a service', async ({
  page,
}) => {
  await signInAsGuest(page);

  // The catalog is the landing page, at /catalog where Backstage keeps it,
  // and lists the demo organization's components.
  await expect(page).toHaveURL(/\/catalog(\?|$)/);
  const table = page.getByRole('table');
  await expect(table.locator(componentLink('classroom-monolith'))).toHaveText(
    'Classroom (monolith)',
  );
  for (const service of [
    'enrolment-service',
    'course-catalog-service',
    'progress-events-consumer',
    'thumbnail-function',
    'payments-gateway',
  ]) {
    await expect(table.locator(componentLink(service))).toBeVisible();
  }
  await page.screenshot({ path: `${screenshotDir}/01-catalog.png` });

  await table.locator(componentLink('course-catalog-service')).click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/component\/course-catalog-service/,
  );
  await expect(
    page.getByRole('heading', { name: 'Course catalog service' }),
  ).toBeVisible();
  // The About card names the owner and the system.
  await expect(page.getByText('Courses Team').first()).toBeVisible();
  await expect(page.getByText('Learning platform').first()).toBeVisible();
  await page.screenshot({ path: `${screenshotDir}/02-service-page.png` });
});
