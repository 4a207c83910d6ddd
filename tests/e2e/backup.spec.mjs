// Backups: the one server's disk fails; the recovery point and time, the
// replica beside it, bad schedules refused, links.
import { test, expect } from '@playwright/test';
import { buttonsOverDownWord, liveLoads, reachEditors, reachPanel, returning } from './fixtures.mjs';

test.beforeEach(async ({ context, page }) => {
  await returning(context);
  liveLoads(page);
});

function guard(page) {
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  return problems;
}

test('an evening failure loses the day since the nightly dump; the replica loses its lag', async ({ page }) => {
  const problems = guard(page);
  await page.goto('./');
  const panel = page.locator('#backup-panel');
  await reachPanel(page, 'backup-panel');
  await page.locator('#backup-run').click();
  await expect(page.locator('#backup-rpo')).toHaveText('16 h 0 min');
  await expect(page.locator('#backup-note')).toContainText('The last finished dump began at 02:00');
  await expect(page.locator('#backup-note')).toContainText('1.5 s of replication lag');
  await expect(page.locator('#backup-note')).toContainText('A replica is not a backup');
  // The A record's TTL, from the zone, is a step of the recovery.
  await expect(page.locator('#backup-steps')).toContainText('point the A record at the new server');
  // Failing just after the dump loses almost nothing.
  await page.locator('#backup-fail').fill('02:30');
  await expect(page.locator('#backup-rpo')).toHaveText('30 min 0 s');
  // A big database: its load dominates the recovery.
  await page.locator('#backup-size').fill('50000');
  await expect(page.locator('#backup-steps')).toContainText('copy the dump (50.0 GB)');
  await expect(page.locator('#backup-steps tr', { hasText: 'load the dump' })).toContainText('41 min 40 s');
  // The dump is the site's rows, as mariadb-dump writes them.
  await page.locator('#backup-panel details summary').click();
  await expect(page.locator('#backup-dump')).toContainText("INSERT INTO `posts` VALUES\n(1,'hello-world'");
  expect(problems).toEqual([]);
});

test('a schedule that never runs is refused with a message and the rest is kept', async ({ page }) => {
  await page.goto('./');
  await reachPanel(page, 'backup-panel');
  await page.locator('#backup-run').click();
  await page.locator('#backup-fail').fill('21:00');
  await page.locator('#backup-every').fill('0');
  await expect(page.locator('#backup-error')).toContainText('a backup every 0 hours never runs');
  await expect(page.locator('#backup-fail')).toHaveValue('21:00');
  await page.locator('#backup-every').fill('12');
  await expect(page.locator('#backup-error')).toHaveCount(0);
  // Dumps at 02:00 and 14:00: at 21:00 the last began at 14:00.
  await expect(page.locator('#backup-rpo')).toHaveText('7 h 0 min');
  await expect(page.locator('#backup-link')).toHaveAttribute('href', '#backup=02:00&every=12&fail=21:00');
});

test('a #backup= link opens the panel with its settings', async ({ page }) => {
  const problems = guard(page);
  await page.goto('./#backup=03:00&every=24&fail=23:00');
  await expect(page.locator('#backup-fail')).toHaveValue('23:00');
  await expect(page.locator('#backup-rpo')).toHaveText('20 h 0 min');
  await expect(page.locator('#backup-panel')).toBeInViewport();
  await expect(page.locator('#link-error')).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('a replica is not a backup, run: the DELETE reaches the replica, the dump brings the posts back', async ({ page }) => {
  const problems = guard(page);
  await page.goto('./');
  await reachPanel(page, 'backup-panel');
  await page.locator('#mistake').scrollIntoViewIfNeeded();
  await expect(page.locator('#mistake-sql')).toHaveValue('DELETE FROM posts');
  await page.locator('#mistake-run').click();
  const rows = page.locator('#mistake-table tbody tr');
  await expect(rows).toHaveCount(5);
  await expect(rows.nth(0)).toContainText('3, read from the replica');
  await expect(rows.nth(1)).toContainText('DELETE FROM posts, on the primary: 3 rows changed');
  // Within the 1.5 s lag the replica still lists them; after it, it does not.
  await expect(rows.nth(2)).toContainText('1.75 s');
  await expect(rows.nth(2)).toContainText('3, read from the replica');
  await expect(rows.nth(3)).toContainText('0, read from the replica');
  await expect(rows.nth(4)).toContainText('loaded from the last dump');
  await expect(rows.nth(4)).toContainText('3, read from the replica');
  await expect(page.locator('#mistake-summary')).toContainText('1.5 s later the page, which reads from the replica, lists 0 of the 3 posts');
  // A narrower mistake loses only its rows; one that changes nothing gets a message.
  await page.locator('#mistake-sql').fill('DELETE FROM posts WHERE id = 1');
  await page.locator('#mistake-run').click();
  await expect(rows.nth(3)).toContainText('2, read from the replica');
  await page.locator('#mistake-sql').fill('DELETE FROM posts WHERE id = 999');
  await page.locator('#mistake-run').click();
  await expect(page.locator('#mistake-error')).toContainText('changed no rows');
  await expect(page.locator('#mistake-sql')).toHaveValue('DELETE FROM posts WHERE id = 999');
  // The learner's own world is untouched: the home page still lists its posts.
  await page.locator('#go').click();
  await expect(page.locator('table#steps tr.step', { hasText: '3 rows back' }).first()).toBeAttached();
  expect(problems).toEqual([]);
});

for (const [width, height] of [[1280, 800], [390, 844]]) {
  test(`the mistake's run fits its panel at ${width}×${height}`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await page.goto('./');
    await reachPanel(page, 'backup-panel');
    await page.locator('#mistake').scrollIntoViewIfNeeded();
    await page.locator('#mistake-run').click();
    await expect(page.locator('#mistake-table tbody tr')).toHaveCount(5);
    const panel = await page.locator('#backup-panel').boundingBox();
    for (const sel of ['#mistake-sql', '#mistake-run', '#mistake-table', '#mistake-summary']) {
      const b = await page.locator(sel).boundingBox();
      expect(b.x, sel).toBeGreaterThanOrEqual(panel.x - 0.5);
      expect(b.x + b.width, sel).toBeLessThanOrEqual(panel.x + panel.width + 0.5);
    }
    await page.locator('#mistake').screenshot({ path: test.info().outputPath(`mistake-${width}.png`) });
  });
}

test('a #mistake= link runs that statement at once, and the run links to itself', async ({ page }) => {
  const problems = guard(page);
  await page.goto('./#mistake=DELETE%20FROM%20posts%20WHERE%20id%20%3D%201');
  await expect(page.locator('#mistake-sql')).toHaveValue('DELETE FROM posts WHERE id = 1');
  await expect(page.locator('#mistake-table tbody tr').nth(3)).toContainText('2, read from the replica');
  await expect(page.locator('#mistake')).toBeInViewport();
  await expect(page.locator('#mistake-link')).toHaveAttribute('href', '#mistake=DELETE%20FROM%20posts%20WHERE%20id%20%3D%201');
  // The link is not a world link: no link error, the journey is the usual one.
  await expect(page.locator('#link-error')).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('the backups lesson ticks after the mistake\'s run, and asks what the replica listed', async ({ page }) => {
  const problems = guard(page);
  await page.goto('./#lesson=16.2');
  await expect(page.locator('#lesson-title')).toContainText('Backups, and why a replica is not one');
  const item = page.locator('#checklist li[data-lesson="backups"]');
  await expect(item).not.toHaveClass(/done/);
  await page.locator('#lesson a', { hasText: 'Go to the backups' }).click();
  await expect(page.locator('#mistake')).toBeInViewport();
  await page.locator('#mistake-sql').fill('DELETE FROM posts WHERE id = 1');
  await page.locator('#mistake-run').click();
  await expect(item).toHaveClass(/done/);
  // The self-check is computed from this run.
  await page.goto('./#lesson=16.3');
  const q = page.locator('#lesson-question');
  await expect(q).toContainText('once it had replayed "DELETE FROM posts WHERE id = 1"');
  await q.locator('button.option', { hasText: '2 posts' }).click();
  await expect(q.locator('.lesson-why')).toContainText('✓ Right');
  await expect(q.locator('.lesson-why')).toContainText('it listed 2 of the 3 posts');
  expect(problems).toEqual([]);
});

test('the server\'s disk fails: down until repaired, and the repair loses what came after the dump', async ({ page }) => {
  const problems = guard(page);
  await page.goto('./');
  await expect(page.locator('form#url-form')).toBeVisible();
  await reachEditors(page);
  const sql = page.locator('#sql-console');
  await sql.locator('#sql-input').fill(
    "INSERT INTO posts (id, slug, title, body, author_id, published) VALUES (9, 'after-the-dump', 'After the dump', 'Written today.', 1, '2026-01-02')",
  );
  await sql.locator('#sql-run').click();
  await expect(sql.locator('#sql-summary')).toContainText('1 row changed');
  const go = async (url) => {
    await page.locator('input#url-input').fill(url);
    await page.locator('input#url-input').press('Enter');
    await expect(page.locator('#step-counter')).toHaveText(/\d+\s+of\s+\d+/);
  };
  const row = (text) => page.locator('table#steps tr.step', { hasText: text });
  await go('http://www.foobar.com/posts/after-the-dump');
  await expect(row('HTTP response: 200')).not.toHaveCount(0);

  await page.locator('#fault-server-disk').click();
  await expect(page.locator('#fault-server-disk')).toHaveAttribute('aria-pressed', 'true');
  await expect(row('no answer')).toHaveCount(1);
  await expect(page.locator('svg#diagram .down-word')).toHaveText('DISK FAILED');
  await row('no answer').locator('button.step-go').click();
  await expect(page.locator('#inspector')).toContainText("The server's only disk has failed");
  // Its box's buttons and the down word stay apart.
  expect(await buttonsOverDownWord(page)).toEqual([]);

  // The repair: a new disk and last night's dump. The post came after it.
  await page.locator('#fault-server-disk').click();
  await expect(page.locator('.world-note')).toContainText('Lost with the old disk: 1 change typed in the console');
  await expect(row('HTTP response: 404')).not.toHaveCount(0);
  await go('http://www.foobar.com/');
  await expect(row('HTTP response: 200')).not.toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath('disk-repaired-1280.png') });
  expect(problems).toEqual([]);
});
