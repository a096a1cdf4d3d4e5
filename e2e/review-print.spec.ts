import { expect, Page, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { reloadUntil, screenshotDir, signInAsGuest } from './helpers';

const SECTIONS = [
  'Monolith decomposition',
  'Risks',
  'Components by dimension',
  'Top failing checks',
  'Dependency graph',
];

/** Pages of a PDF written by Chromium (one /Type /Page object each). */
function pdfPageCount(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-z])/g)?.length ?? 0;
}

test('the architecture review prints: the PDF holds the review, not a blank page', async ({
  page,
}) => {
  test.setTimeout(4 * 60_000);
  mkdirSync(screenshotDir, { recursive: true });
  await signInAsGuest(page);

  await page.goto('/maturity/review/default/learning-platform');
  await reloadUntil(page, async () => {
    await expect(page.getByText('Monolith decomposition')).toBeVisible({
      timeout: 10_000,
    });
  });
  await expect(
    page.getByRole('table', { name: 'Components by dimension' }),
  ).toBeVisible();

  // As the browser lays the page out for paper.
  await page.emulateMedia({ media: 'print' });

  // The portal's navigation and the page's controls are not printed...
  await expect(
    page.getByRole('navigation', { name: 'sidebar nav' }),
  ).toBeHidden();
  await expect(page.getByRole('button', { name: 'Print / PDF' })).toBeHidden();

  // ...and the review is: its title, every section and the components.
  await expect(
    page.getByText('Architecture review: learning-platform'),
  ).toBeVisible();
  for (const section of SECTIONS) {
    await expect(
      page.getByText(section, { exact: true }).first(),
    ).toBeVisible();
  }
  await expect(
    page.getByRole('table', { name: 'Components by dimension' }),
  ).toBeVisible();
  // innerText leaves out what print media hides.
  const printedText = await page.evaluate(() => document.body.innerText);
  expect(printedText).toContain('Architecture review: learning-platform');
  for (const section of SECTIONS) expect(printedText).toContain(section);
  expect(printedText).toMatch(/\d+ of \d+ capabilities extracted/);

  await page.screenshot({
    path: `${screenshotDir}/maturity-08-review-print-media.png`,
    fullPage: true,
  });

  // The PDF itself, as "Print / PDF" saves it: the review flows over several
  // sheets instead of one clipped (or blank) page.
  const pdfPath = `${screenshotDir}/maturity-09-review.pdf`;
  const pdf = await page.pdf({
    path: pdfPath,
    format: 'A4',
    printBackground: true,
  });
  expect(pdf.length).toBeGreaterThan(20_000);
  expect(pdfPageCount(pdf)).toBeGreaterThanOrEqual(2);
  expect(pdfPageCount(readFileSync(pdfPath))).toBe(pdfPageCount(pdf));

  // Its pages as pictures to look at, where poppler-utils is installed.
  if (existsSync('/usr/bin/pdftoppm')) {
    execFileSync('/usr/bin/pdftoppm', [
      '-png',
      '-r',
      '60',
      pdfPath,
      `${screenshotDir}/maturity-09-review-pdf-page`,
    ]);
  }
});
