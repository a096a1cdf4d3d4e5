import { expect, Locator, Page } from '@playwright/test';

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
 * Reloads the page until `ready` passes: reports the backend computes on a
 * schedule may not cover the whole demo catalog yet right after a start.
 */
export async function reloadUntil(
  page: Page,
  ready: () => Promise<void>,
  timeoutMs = 180_000,
) {
  await expect(async () => {
    await page.reload();
    await ready();
  }).toPass({ timeout: timeoutMs, intervals: [2_000, 5_000] });
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

/**
 * Saves a screenshot of the whole page, not only the window, as
 * `e2e-screenshots/<name>.png`. The portal scrolls inside its layout rather
 * than the document, so the layout is let grow to its content for the
 * capture, then restored.
 */
export async function fullPageScreenshot(page: Page, name: string) {
  const style = await page.addStyleTag({
    content:
      'html, body, #root, #root > div, main { height: auto !important; overflow: visible !important; }',
  });
  await page.screenshot({
    path: `${screenshotDir}/${name}.png`,
    fullPage: true,
  });
  await style.evaluate(element => element.remove());
}

/**
 * Fails when an element reaches past the right edge of the window: at
 * 1440 × 900 nothing on the portal's pages may need a sideways scroll.
 */
export async function expectWithinWindowWidth(page: Page, locator: Locator) {
  const width = page.viewportSize()!.width;
  const box = await locator.boundingBox();
  expect(box, 'the element is rendered').not.toBeNull();
  expect(box!.x + box!.width).toBeLessThanOrEqual(width);
}

/**
 * Fails when the text of any of the elements is clipped: wider than its
 * box, as dense lists leave long text unless it wraps.
 */
export async function expectNoneClipped(locator: Locator) {
  expect(await locator.count(), 'elements to measure').toBeGreaterThan(0);
  for (const element of await locator.all()) {
    expect(
      await element.evaluate(e => e.scrollWidth - e.clientWidth),
      await element.innerText(),
    ).toBeLessThanOrEqual(1);
  }
}
