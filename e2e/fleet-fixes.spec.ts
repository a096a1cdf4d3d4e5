import { expect, Page, test } from '@playwright/test';
import git from 'isomorphic-git';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { reloadUntil, screenshotDir, signInAsGuest } from './helpers';

test.use({ viewport: { width: 1440, height: 900 } });

/** The demo's local repositories (examples/local-repos), by title and name. */
const SERVICES = [
  ['Assignment submissions', 'assignment-submissions'],
  ['Coupon service', 'coupon-service'],
  ['Gradebook service', 'gradebook-service'],
  ['Invoice service', 'invoice-service'],
  ['Lesson player API', 'lesson-player-api'],
] as const;
const CHECK = 'A PodDisruptionBudget keeps it available during maintenance';
const BRANCH = 'portal/fix-scale-pdb';

async function openFleetDialog(page: Page) {
  await page.goto('/maturity');
  // The platform lead scores the whole catalog first. Right after a start,
  // a service scored before its system or owner reached the catalog keeps
  // that score until the next scheduled cycle, and the check ranks at the
  // cut-off of "Checks that fail most".
  await page.getByRole('button', { name: 'Evaluate all now' }).click();
  await expect(page.getByText(/^Scores updated at /)).toBeVisible({
    timeout: 120_000,
  });
  const fix = page
    .getByRole('row', { name: new RegExp(CHECK) })
    .getByRole('button', { name: 'Fix across services' });
  await reloadUntil(page, async () => {
    await expect(fix).toBeVisible({ timeout: 10_000 });
  });
  await fix.click();
  const dialog = page.getByRole('dialog', {
    name: `Fix pull requests: ${CHECK}`,
  });
  await expect(
    dialog.getByRole('table', { name: 'Services failing this check' }),
  ).toBeVisible({ timeout: 20_000 });
  return dialog;
}

/** Selects exactly the demo's local repositories. */
async function selectLocalRepositories(dialog: ReturnType<Page['getByRole']>) {
  const candidates = dialog.getByRole('table', {
    name: 'Services failing this check',
  });
  const boxes = candidates.getByRole('checkbox');
  for (let i = 0; i < (await boxes.count()); i++) {
    const box = boxes.nth(i);
    if ((await box.isChecked()) && (await box.isEnabled())) await box.uncheck();
  }
  for (const [title] of SERVICES) {
    await candidates.getByRole('checkbox', { name: `select ${title}` }).check();
  }
}

test('a platform lead previews and opens fix pull requests for a failing check across five repositories; a rerun duplicates nothing, and a merged fix makes the check pass', async ({
  page,
}) => {
  test.setTimeout(8 * 60_000);
  const reposDir = process.env.E2E_REPOS_DIR;
  expect(reposDir, 'e2e/run.mjs sets E2E_REPOS_DIR').toBeTruthy();
  await signInAsGuest(page);
  let dialog = await openFleetDialog(page);
  // Before any run, the dialog says where each fix would go, preselects the
  // local repositories, and leaves the folder services (a preview only,
  // with why) unselected.
  const table = dialog.getByRole('table', {
    name: 'Services failing this check',
  });
  for (const [title] of SERVICES) {
    const box = page.getByRole('checkbox', { name: `select ${title}` });
    const row = table.getByRole('row').filter({ has: box });
    await expect(row.getByText('Local branch')).toBeVisible();
    await expect(row.getByRole('checkbox')).toBeChecked();
  }
  // The demo's other services are folders whose GitHub repository has no
  // integration here: a preview only, saying why, and not preselected.
  const previewOnly = table
    .getByRole('row')
    .filter({ hasText: 'Preview only' });
  await expect(
    previewOnly.filter({ hasText: 'no GitHub integration' }).first(),
  ).toBeVisible();
  for (let i = 0; i < (await previewOnly.count()); i++) {
    await expect(previewOnly.nth(i).getByRole('checkbox')).not.toBeChecked();
  }
  await page.screenshot({ path: `${screenshotDir}/fleet-00-candidates.png` });
  await selectLocalRepositories(dialog);

  // A dry run first: each repository's change as a diff, nothing written.
  await dialog.getByRole('button', { name: 'Preview changes' }).click();
  const results = dialog.getByRole('table', { name: 'Fix results' });
  await expect(results.getByText('previewed')).toHaveCount(5, {
    timeout: 120_000,
  });
  await results.getByRole('button', { name: 'Show diff' }).first().click();
  await expect(results.getByLabel(/^Diff for /).first()).toContainText(
    'kind: PodDisruptionBudget',
  );
  await page.screenshot({ path: `${screenshotDir}/fleet-01-preview.png` });
  for (const [, name] of SERVICES) {
    const branches = await git.listBranches({ fs, dir: join(reposDir!, name) });
    expect(branches, `${name} after the preview`).toEqual(['main']);
  }

  // Then one branch per repository, for its owners to review.
  await dialog.getByRole('button', { name: 'Open 5 pull requests' }).click();
  await expect(results.getByText('opened', { exact: true })).toHaveCount(5, {
    timeout: 120_000,
  });
  await page.screenshot({ path: `${screenshotDir}/fleet-02-opened.png` });
  for (const [, name] of SERVICES) {
    const branches = await git.listBranches({ fs, dir: join(reposDir!, name) });
    expect(branches, name).toContain(BRANCH);
  }

  // Running the same fix again reuses each branch: nothing is duplicated.
  await selectLocalRepositories(dialog);
  await dialog.getByRole('button', { name: 'Open 5 pull requests' }).click();
  await expect(results.getByText('reused', { exact: true })).toHaveCount(5, {
    timeout: 120_000,
  });

  // The invoice team merges its fix; the next evaluation finds the budget.
  const invoice = join(reposDir!, 'invoice-service');
  const author = {
    name: 'Chloe Dubois',
    email: 'chloe.dubois@brightpath.example',
  };
  await git.merge({
    fs,
    dir: invoice,
    ours: 'main',
    theirs: BRANCH,
    fastForward: true,
    author,
    committer: author,
  });
  await git.checkout({ fs, dir: invoice, ref: 'main', force: true });
  await page.goto('/catalog/default/component/invoice-service/maturity');
  await page.getByRole('button', { name: 'Refresh now' }).click();
  await expect(page.getByText('Collected and evaluated just now.')).toBeVisible(
    { timeout: 60_000 },
  );

  dialog = await openFleetDialog(page);
  const row = dialog
    .getByRole('table', { name: 'Services failing this check' })
    .getByRole('row', { name: /Invoice service/ });
  await expect(row.getByText(/check passing/i)).toBeVisible({
    timeout: 20_000,
  });
  await expect(
    dialog
      .getByRole('table', { name: 'Services failing this check' })
      .getByRole('row', { name: /Coupon service/ })
      .getByText(/PR open/i),
  ).toBeVisible();

  // Every fleet action is in the audit trail: who, what, when.
  await dialog.getByText('Recent fleet actions').click();
  const audit = dialog.getByRole('table', { name: 'Fleet audit' });
  await expect(audit.getByRole('row')).toHaveCount(4);
  await page.screenshot({ path: `${screenshotDir}/fleet-03-loop-closed.png` });
});
