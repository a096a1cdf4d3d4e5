import { expect, Page } from '@playwright/test';

/** Screenshots a person looks at; kept out of git. */
export const screenshotDir = 'e2e-screenshots';

/** Signs in with the guest provider, as a newcomer does on the embedded portal. */
export async function signInAsGuest(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await expect(
    nav.getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
}

/**
 * Picks an entity in a template form's autocomplete field (EntityPicker,
 * OwnerPicker): types into the field labelled `label` and clicks the first
 * option matching `option`.
 */
export async function pickEntity(
  page: Page,
  label: string,
  typed: string,
  option: RegExp,
) {
  const field = page.getByRole('textbox', { name: label, exact: true });
  await field.click();
  await field.fill(typed);
  await page
    .getByRole('option', { name: option })
    .first()
    .click({ timeout: 20_000 });
}
