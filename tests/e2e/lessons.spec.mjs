// Lessons and the checklist: for each lesson, its item ticks only after the
// learner does the lesson's action (never from the set-up, nor from a trace
// playing by itself); the self-check's answer is computed from the run;
// progress survives a reload and a corrupt store gives a message and a fresh
// start; the keyboard shortcuts and presenter mode; a lesson's screen fits
// the first viewport at 1280×800, 1024×768 and 390×844 (bounding boxes);
// axe finds nothing on any lesson screen.
import { test, expect, reachPanel, settledReload } from './fixtures.mjs';
import AxeBuilder from '@axe-core/playwright';

const KEY = 'stackscope.lessons.v1';
const HOME = 'http://www.foobar.com/';

async function openLesson(page, n, screen = 1, extra = '') {
  await page.goto(`./#lesson=${n}.${screen}${extra}`);
  await expect(page.locator('svg#diagram')).toBeVisible();
  await expect(page.locator('#lesson')).toBeVisible();
  await expect(page.locator('#checklist')).toBeVisible();
}

const item = (page, id) => page.locator(`#checklist li[data-lesson="${id}"]`);

async function ticked(page, id) {
  return (await item(page, id).getAttribute('class')).includes('done');
}

/** Set up (a fresh world and the lesson's address) and wait for its trace. */
async function setup(page) {
  await page.locator('#lesson-setup').click();
  await expect(page.locator('#step-counter')).toContainText(' of ');
  await expect(page.locator('#server-status')).toHaveCount(0);
}

/** Reloads once the simulated server is up (a reload mid-download aborts its fetch). */
async function reload(page) {
  await expect(page.locator('#server-status')).toHaveCount(0);
  await settledReload(page);
  await expect(page.locator('#checklist')).toBeVisible();
  await expect(page.locator('#server-status')).toHaveCount(0);
}

// Playback may start a moment after the set-up's status shows (a run
// seen once on 2026-12-04): pause until it stays paused.
async function pause(page) {
  const play = page.locator('#play');
  await expect(async () => {
    if ((await play.getAttribute('aria-pressed')) === 'true') await play.click();
    await expect(play).toHaveAttribute('aria-pressed', 'false', { timeout: 1_000 });
    await page.waitForTimeout(200);
    expect(await play.getAttribute('aria-pressed')).toBe('false');
  }).toPass({ timeout: 10_000 });
}

async function stepTo(page, title) {
  await page.locator('table#steps tr.step', { hasText: title }).first().locator('button.step-go').click();
}

async function request(page, url) {
  await page.locator(`button.preset[data-url="${url}"]`).click();
  await expect(page.locator('#step-counter')).toContainText(' of ');
}

async function sliderToEnd(page, selector) {
  await page.locator(selector).focus();
  await page.keyboard.press('End');
}

// Each lesson: what shows it, step by step; `before` runs between the
// set-up and the last action and must leave the item unticked.
const LESSONS = [
  ['scenario', async (p) => { await p.keyboard.press('End'); }],
  ['server', async (p) => stepTo(p, 'HTTP response: 200 OK')],
  ['domain', async (p) => {
    await stepTo(p, 'www.foobar.com is 8.8.8.8');
    expect(await ticked(p, 'domain'), 'the name has not moved yet').toBe(false);
    // The same name, another machine: the A record now points elsewhere.
    await p.locator('#fault-dns-wrong-ip').click();
    await expect(p.locator('table#steps')).toContainText('is not our server');
  }],
  ['www', async (p) => stepTo(p, 'Answer from the foobar.com name server')],
  ['web-server', async (p) => {
    await stepTo(p, 'Read /var/www/foobar/static/style.css');
    expect(await ticked(p, 'web-server'), 'half shown').toBe(false);
    await request(p, HOME);
    await pause(p);
    await stepTo(p, 'Proxy to the application');
  }],
  ['app-server', async (p) => {
    await p.locator('#fault-app-stop').click();
    await expect(p.locator('#step-counter')).toContainText(' of ');
  }],
  ['database', async (p) => {
    await stepTo(p, 'SQL: SELECT');
    expect(await ticked(p, 'database'), 'half shown').toBe(false);
    await p.locator('#fault-db-stop').click();
  }],
  ['http', async (p) => {
    // Through the lesson's place, the layers of this request.
    await p.locator('#layers-panel #layer-tcp button.layer-step').nth(1).click();
    await expect(p.locator('#inspector')).toContainText('TCP SYN-ACK');
    expect(await ticked(p, 'http'), 'half shown').toBe(false);
    await p.locator('#layers-panel #layer-http button.layer-step').first().click();
    await expect(p.locator('#inspector')).toContainText('HTTP request: GET /');
  }],
  ['spof', async (p) => {
    await p.locator('#fault-server-power').click();
    await expect(p.locator('table#steps')).toContainText('no answer');
    expect(await ticked(p, 'spof'), 'no sweep yet').toBe(false);
    await p.locator('#lesson a', { hasText: 'Go to the availability sweep' }).click();
    await p.locator('#run-sweep').click();
    await expect(p.locator('#availability-matrix')).toBeVisible();
    expect(await ticked(p, 'spof'), 'not yet survived').toBe(false);
    await p.locator('#topology-redundant').check();
    await expect(p.locator('#fault-server-power-0')).toBeVisible();
    await p.locator('#fault-server-power-0').click();
  }],
  ['maintenance', async (p) => {
    await reachPanel(p, 'deploy-panel');
    await p.locator('#deploy-single').click();
    await expect(p.locator('#deploy-summary')).toBeVisible();
    expect(await ticked(p, 'maintenance'), 'no quiet hour yet').toBe(false);
    await reachPanel(p, 'day-panel');
    await p.locator('#day-run').click();
    await expect(p.locator('#day-table')).toBeVisible();
    expect(await ticked(p, 'maintenance'), 'no rolling deploy yet').toBe(false);
    await p.locator('#deploy-rolling').click();
  }],
  ['scaling', async (p) => {
    // The panel opens on a surge one server cannot take (its module loads
    // when the learner comes near it).
    await p.locator('#load-panel').scrollIntoViewIfNeeded();
    await p.locator('#load-run').click();
    await expect(p.locator('#load-summary')).toContainText('of requests failed');
    expect(await ticked(p, 'scaling'), 'not scaled out yet').toBe(false);
    await sliderToEnd(p, '#load-servers');
    await p.locator('#load-run').click();
    await expect(p.locator('#load-status')).toContainText('Done');
  }],
  ['automation', async (p) => {
    await deploy(p, 'v2');
    expect(await ticked(p, 'automation'), 'no rollback yet').toBe(false);
    await deploy(p, 'v3');
  }],
  ['https', async (p) => {
    await stepTo(p, 'TLS ServerHello');
    expect(await ticked(p, 'https'), 'only the certificate').toBe(false);
    await stepTo(p, 'Forward to web-0');
    expect(await ticked(p, 'https'), 'no refusal yet').toBe(false);
    await p.getByRole('button', { name: 'Let the certificate expire', exact: true }).click();
    await expect(p.locator('#reason-badge')).toContainText('NET::ERR_CERT_DATE_INVALID');
  }],
  ['firewall', async (p) => {
    await p.locator('#lesson a', { hasText: 'Go to the firewall editor' }).click();
    const rules = p.locator('#fw-rules');
    const text = await rules.inputValue();
    await rules.fill(text.replace('tcp dport { 80, 443 } accept', 'tcp dport 80 accept'));
    await p.locator('#fw-apply').click();
    await expect(p.locator('#reason-badge')).toContainText('ERR_CONNECTION_TIMED_OUT');
    expect(await ticked(p, 'firewall'), 'no reject yet').toBe(false);
    await rules.fill(text.replace('tcp dport { 80, 443 } accept', 'tcp dport { 80, 443 } reject'));
    await p.locator('#fw-apply').click();
    await expect(p.locator('#reason-badge')).toContainText('ERR_CONNECTION_REFUSED');
  }],
  ['monitoring', async (p) => {
    await p.locator('#lesson a', { hasText: 'Go to the monitoring dashboard' }).click();
    await p.locator('#monitor-run').click();
    await expect(p.locator('#monitor-note')).toContainText('fired', { timeout: 20_000 });
    expect(await ticked(p, 'monitoring'), 'one server only').toBe(false);
    await p.locator('#monitor-servers').selectOption('2');
    await p.locator('#monitor-run').click();
    await expect(p.locator('#monitor-note')).toContainText('out of rotation', { timeout: 20_000 });
  }],
  ['backups', async (p) => {
    await p.locator('#lesson a', { hasText: 'Go to the backups' }).click();
    await p.locator('#mistake-sql').fill('DELETE FROM posts WHERE id = 1');
    expect(await ticked(p, 'backups'), 'not run yet').toBe(false);
    await p.locator('#mistake-run').click();
  }],
  ['lb-pair', async (p) => {
    await p.locator('#fault-lb-power').click();
    await expect(p.locator('table#steps')).toContainText('is changing hands');
    await pause(p);
    expect(await ticked(p, 'lb-pair'), 'no sweep yet').toBe(false);
    await p.locator('#sweep-panel').scrollIntoViewIfNeeded();
    await p.locator('#run-sweep').click();
    await expect(p.locator('#availability-matrix thead th')).toHaveCount(5, { timeout: 60_000 });
  }],
  ['tiers', async (p) => {
    await p.locator('#fault-app-power-0').click();
    await expect(p.locator('table#steps')).toContainText('app-01 does not take the connection');
  }],
];

/** The lesson's place, the deploy pipeline: this release on two servers. */
async function deploy(page, release) {
  await page.locator('#lesson a', { hasText: 'Go to the deploy pipeline' }).click();
  await page.locator('#pipeline-release').selectOption(release);
  await page.locator('#pipeline-how').selectOption('pipeline');
  await page.locator('#pipeline-servers').selectOption('2');
  await page.locator('#pipeline-run').click();
  await expect(page.locator('#pipeline-note')).toContainText(release, { timeout: 20_000 });
}

for (const [i, [id, show]] of LESSONS.entries()) {
  test(`lesson ${i + 1} (${id}): its item ticks only after the action`, async ({ page }) => {
    test.setTimeout(90_000);
    await openLesson(page, i + 1);
    await expect(page.locator('#checklist-title')).toContainText('0 of 18');
    await setup(page);
    // The set-up ran and played its trace by itself: nothing is shown yet.
    await expect(page.locator('#lesson-status')).toContainText('Still to do');
    await pause(page);
    expect(await ticked(page, id), 'ticked before the action').toBe(false);
    await show(page);
    await expect(item(page, id)).toHaveClass(/done/, { timeout: 20_000 });
    await expect(page.locator('#lesson-status')).toContainText('✓ Shown');
    await expect(page.locator('#checklist-title')).toContainText('1 of 18');
    // The self-check is computed from this run; the explanation comes after an answer.
    await page.locator('#lesson-next').click();
    const q = page.locator('#lesson-question');
    await expect(q).toBeVisible();
    if (await q.locator('button.option').count()) {
      await expect(q.locator('.lesson-why')).toHaveCount(0);
      await q.locator('button.option').first().click();
      await expect(q.locator('.lesson-why')).toBeVisible();
      await expect(q.locator('button.option.right')).toHaveCount(1);
    }
  });
}

test('the answers come from the run: www is a CNAME, the root refers to com.', async ({ page }) => {
  await openLesson(page, 4);
  await setup(page);
  await page.locator('#lesson-next').click();
  const q = page.locator('#lesson-question');
  await q.locator('button.option', { hasText: /^A$/ }).click();
  await expect(q.locator('.lesson-why')).toContainText('Not quite: the answer is CNAME');
  await expect(q.locator('.lesson-why')).toContainText('www.foobar.com. 300 IN CNAME foobar.com.');
  await openLesson(page, 3, 1);
  await setup(page);
  await page.locator('#lesson-next').click();
  await q.locator('button.option', { hasText: 'Root name server' }).click();
  await expect(q.locator('.lesson-why')).toContainText('✓ Right');
  await expect(item(page, 'domain')).toContainText('self-check right');
});

test('progress survives a reload, resets, and corrupt progress starts afresh with a message', async ({ page }) => {
  await openLesson(page, 2);
  await setup(page);
  await pause(page);
  await stepTo(page, 'HTTP response: 200 OK');
  await expect(item(page, 'server')).toHaveClass(/done/);
  await reload(page);
  await expect(item(page, 'server')).toHaveClass(/done/);
  await page.locator('#checklist-reset').click();
  await expect(item(page, 'server')).not.toHaveClass(/done/);
  await expect(page.locator('#checklist-title')).toContainText('0 of 18');

  // Corrupt and old-version data: a message, a fresh start, other data kept.
  for (const bad of ['{not json', JSON.stringify({ version: 7, progress: {} })]) {
    await page.evaluate(([k, v]) => {
      localStorage.setItem(k, v);
      localStorage.setItem('stackscope.other', 'kept');
    }, [KEY, bad]);
    await reload(page);
    await expect(page.locator('#lessons-notice')).toContainText('starts afresh');
    await expect(page.locator('#checklist-title')).toContainText('0 of 18');
    expect(await page.evaluate(() => localStorage.getItem('stackscope.other'))).toBe('kept');
  }
});

test('keyboard: space plays and pauses, arrows step, Home/End, digits open lessons, P presents', async ({ page }) => {
  await page.goto('./');
  await expect(page.locator('#shortcuts')).toBeVisible();
  await request(page, HOME);
  await pause(page);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Home');
  await expect(page.locator('#step-counter')).toContainText('Step 1 of');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('#step-counter')).toContainText('Step 3 of');
  await page.keyboard.press('ArrowLeft');
  await expect(page.locator('#step-counter')).toContainText('Step 2 of');
  await page.keyboard.press(' ');
  await expect(page.locator('#play')).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press(' ');
  await expect(page.locator('#play')).toHaveAttribute('aria-pressed', 'false');
  await page.keyboard.press('End');
  const total = (await page.locator('#step-counter').textContent()).match(/of (\d+)/)[1];
  await expect(page.locator('#step-counter')).toContainText(`Step ${total} of ${total}`);
  await page.keyboard.press('3');
  await expect(page.locator('#lesson-title')).toContainText('The role of the domain name');
  await page.keyboard.press('0');
  await expect(page.locator('#lesson-title')).toContainText('Lesson 10/18');
  await page.keyboard.press('p');
  await expect(page.locator('html')).toHaveClass(/presenter/);
  await page.keyboard.press('P');
  await expect(page.locator('html')).not.toHaveClass(/presenter/);
  // Closing the lesson hands the focus to the button that reopens it.
  await page.locator('.lesson-close').click();
  await expect(page.locator('#lesson')).toHaveCount(0);
  await expect(page.locator('#lessons-start')).toBeFocused();
  // Typing in the address bar is typing, not shortcuts.
  await page.locator('#url-input').fill('');
  await page.locator('#url-input').type('http://www.foobar.com/p1');
  await expect(page.locator('#url-input')).toHaveValue('http://www.foobar.com/p1');
  await expect(page.locator('html')).not.toHaveClass(/presenter/);
});

for (const [w, h] of [[1280, 800], [1024, 768], [390, 844]]) {
  test(`a lesson's screen at ${w}×${h}: card, controls and diagram in the first viewport, no overlaps`, async ({ page }) => {
    await page.setViewportSize({ width: w, height: h });
    await openLesson(page, 3, 1);
    await setup(page);
    await pause(page);
    await page.evaluate(() => window.scrollTo(0, 0));
    const box = async (sel) => page.locator(sel).first().boundingBox();
    const card = await box('#lesson');
    const play = await box('#play');
    const diagram = await box('svg#diagram');
    expect(card.y + card.height, 'the card above the controls').toBeLessThanOrEqual(play.y + 1);
    expect(play.y + play.height, 'Play in the first viewport').toBeLessThanOrEqual(h);
    expect(diagram.y, 'the diagram starts in the first viewport').toBeLessThan(h);
    expect(card.x + card.width, 'the card inside the page').toBeLessThanOrEqual(w + 1);
    // Every control of the card is inside the card.
    for (const b of await page.locator('#lesson button, #lesson a').all()) {
      const r = await b.boundingBox();
      expect(r.x >= card.x - 1 && r.x + r.width <= card.x + card.width + 1, await b.textContent()).toBe(true);
    }
  });
}

test('presenter mode at 1024×768: the lesson, the controls and the whole diagram on one screen, labels large', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await openLesson(page, 4, 1, '&present');
  await expect(page.locator('html')).toHaveClass(/presenter/);
  await setup(page);
  await page.locator('#lesson-next').click();
  await page.waitForTimeout(500);
  const card = await page.locator('#lesson').boundingBox();
  const diagram = await page.locator('svg#diagram').boundingBox();
  const play = await page.locator('#play').boundingBox();
  const keys = await page.locator('#shortcuts').boundingBox();
  for (const [name, r] of [['card', card], ['play', play], ['diagram', diagram], ['shortcuts', keys]]) {
    expect(r.y, `${name} top in view`).toBeGreaterThanOrEqual(-1);
    expect(r.y + r.height, `${name} bottom in view`).toBeLessThanOrEqual(768 + 1);
  }
  const label = await page.locator('svg#diagram .component .label').first().evaluate((el) => el.getBoundingClientRect().height);
  console.log(`presenter mode at 1024×768: diagram ${diagram.width.toFixed(0)}×${diagram.height.toFixed(0)} px, label height ${label.toFixed(1)} px`);
  expect(label, 'diagram labels at least 13 px tall (10 px without presenter mode)').toBeGreaterThanOrEqual(13);
  // A link opens this lesson's screen.
  await expect(page.locator('.lesson-screens a[aria-current="step"]')).toHaveAttribute('href', '#lesson=4.3&present');
});

test('axe finds no violations on any lesson screen', async ({ page }) => {
  test.setTimeout(120_000);
  const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
  await openLesson(page, 1, 1);
  const found = [];
  for (let n = 1; n <= 18; n++) {
    for (let s = 0; s < 3; s++) {
      await expect(page.locator('#lesson-title')).toContainText(`Lesson ${n}/18`);
      if (s === 2 && (await page.locator('#lesson-question button.option').count())) {
        await page.locator('#lesson-question button.option').first().click();
      }
      const r = await new AxeBuilder({ page }).setLegacyMode(true).withTags(TAGS).options({ iframes: false }).include('#lesson').include('#checklist').include('#shortcuts').analyze();
      found.push(...r.violations.map((v) => `lesson ${n}.${s + 1}: ${v.id} ${v.help} (${v.nodes.map((x) => x.target.join(' ')).slice(0, 2).join(' | ')})`));
      if (n === 1 && s === 0) await setup(page);
      else if (n < 18 || s < 2) await page.locator('#lesson-next').click();
    }
  }
  expect(found).toEqual([]);
});
