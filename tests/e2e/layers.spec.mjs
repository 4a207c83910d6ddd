// The layers of this request (#layers-panel): each row agrees with the
// steps table it was read from; a row's step buttons move the cursor; a
// fault shows the layer where the conversation stopped; HTTPS adds the TLS
// row; the panel's rows keep inside it at 1280×800, 1024×768 and 390×844.
import { test, expect, openSecured, stepRow } from './fixtures.mjs';

const layer = (page, id) => page.locator(`#layers-panel #layer-${id}`);

async function home(page) {
  await page.goto('./');
  await page.locator('#play').waitFor();
  await page.locator('#go').click();
  await expect(stepRow(page, 'TCP ACK: connected')).toHaveCount(1);
  await expect(page.locator('#layers-panel ol.layers')).toBeVisible();
}

/** The steps table's time of the row holding `title`, in ms. */
async function stepMs(page, title) {
  const text = await stepRow(page, title).first().locator('td.time').textContent();
  const m = /([\d.]+) ms/.exec(text ?? '');
  expect(m, `time of ${title}: ${text}`).not.toBeNull();
  return Number(m[1]);
}

test('one server: HTTP, DNS, TCP, IP and the link, each read off the trace', async ({ page }) => {
  await home(page);
  const ids = await page.locator('#layers-panel li.layer').evaluateAll((els) => els.map((e) => e.id));
  expect(ids).toEqual(['layer-http', 'layer-dns', 'layer-tcp', 'layer-ip', 'layer-link']);
  await expect(layer(page, 'http')).toContainText('Host: www.foobar.com, path /');
  await expect(layer(page, 'http')).toContainText('GET / → 200 OK');
  await expect(layer(page, 'dns')).toContainText('www.foobar.com is 8.8.8.8');
  await expect(layer(page, 'ip')).toContainText('198.51.100.23 → 8.8.8.8');
  await expect(layer(page, 'link')).toContainText('not modelled');

  // The TCP row's round trip is the steps table's SYN-to-ACK time.
  const tcp = (await layer(page, 'tcp').locator('.layer-summary').textContent()) ?? '';
  const rtt = Number(/one round trip \(([\d.]+) ms\)/.exec(tcp)?.[1]);
  const table = (await stepMs(page, 'TCP ACK: connected')) - (await stepMs(page, 'TCP SYN to'));
  expect(Math.abs(rtt - table), `${rtt} vs ${table}`).toBeLessThanOrEqual(0.15);
  // The port the browser connected to is the one in the SYN's title.
  await expect(layer(page, 'tcp').locator('.layer-addr')).toContainText('→ port 80');

  // A row's step button moves the cursor there: the inspector shows it.
  await layer(page, 'tcp').locator('button.layer-step').first().click();
  await expect(page.locator('#inspector')).toContainText('TCP SYN to 8.8.8.8:80');
  await expect(layer(page, 'tcp')).toHaveClass(/\bhere\b/);
  await layer(page, 'http').locator('button.layer-step').first().click();
  await expect(page.locator('#inspector')).toContainText('HTTP request: GET /');
  await expect(layer(page, 'http')).toHaveClass(/\bhere\b/);
});

test('a fault shows where the conversation stopped', async ({ page }) => {
  await home(page);
  await page.locator('#fault-server-power').click();
  await expect(stepRow(page, 'no answer')).toHaveCount(1);
  await expect(layer(page, 'http')).toContainText('not reached');
  await expect(layer(page, 'http')).toContainText('the TCP connection failed first');
  await expect(layer(page, 'tcp')).toContainText('failed here');
  await expect(layer(page, 'ip')).toContainText('none came back');
  await page.locator('#fault-server-power').click();
  await page.locator('#fault-nginx-stop').click();
  await expect(stepRow(page, 'Connection refused')).toHaveCount(1);
  await expect(layer(page, 'tcp')).toContainText('[RST, ACK]');
  await expect(layer(page, 'ip')).toContainText('carried');
});

test('HTTPS: a TLS row between HTTP and TCP, naming the site in clear text', async ({ page }) => {
  await openSecured(page);
  await expect(layer(page, 'tls')).toBeVisible();
  const ids = await page.locator('#layers-panel li.layer').evaluateAll((els) => els.map((e) => e.id));
  expect(ids).toEqual(['layer-http', 'layer-dns', 'layer-tls', 'layer-tcp', 'layer-ip', 'layer-link']);
  await expect(layer(page, 'tls')).toContainText('server_name www.foobar.com, sent in clear text');
  await expect(layer(page, 'tcp').locator('.layer-addr')).toContainText('→ port 443');
});

for (const [width, height] of [[1280, 800], [1024, 768], [390, 844]]) {
  test(`the layers keep inside their panel at ${width}×${height}`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await home(page);
    const panel = page.locator('#layers-panel');
    await panel.scrollIntoViewIfNeeded();
    const box = await panel.boundingBox();
    for (const el of await panel.locator('li.layer, button.layer-step, .layer-addr').all()) {
      const b = await el.boundingBox();
      expect(b.x).toBeGreaterThanOrEqual(box.x - 0.5);
      expect(b.x + b.width).toBeLessThanOrEqual(box.x + box.width + 0.5);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    await page.screenshot({ path: test.info().outputPath(`layers-${width}.png`), fullPage: false });
  });
}
