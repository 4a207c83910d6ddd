// HTTPS in the secured design: the TLS records in the inspector, decrypted;
// the certificate faults with Chromium's codes; plain http:// redirected;
// the inspector's tables stay inside it on a phone.
import { test, expect, openSecured, stepRow, lastStepRow } from './fixtures.mjs';

const row = stepRow;

async function secured(page) {
  await openSecured(page);
  await expect(page.locator('#url-input')).toHaveValue('https://www.foobar.com/');
}

test('the secured design: a TLS 1.3 handshake, the certificate decrypted, plain HTTP behind the balancer', async ({ page }) => {
  await secured(page);
  for (const t of ['TCP SYN to 8.8.8.8:443', 'TLS ClientHello', 'Certificate checked', 'TLS Finished', 'Forward to web-01']) {
    await expect(row(page, t)).toHaveCount(1);
  }
  await row(page, 'TLS ClientHello').locator('button.step-go').click();
  const inspector = page.locator('#inspector');
  await expect(inspector).toContainText('Handshake: ClientHello');
  await expect(inspector).toContainText('host_name "www.foobar.com"');
  await expect(inspector).toContainText('x25519: public key');

  await row(page, 'TLS ServerHello').locator('button.step-go').click();
  await expect(inspector).toContainText('TLS_AES_128_GCM_SHA256');
  const encrypted = inspector.locator('details.tls-record', { hasText: 'Encrypted handshake: EncryptedExtensions, Certificate' });
  await encrypted.locator('summary').click();
  await expect(encrypted).toContainText('Decrypted by Stackscope with SERVER_HANDSHAKE_TRAFFIC_SECRET');
  await expect(encrypted.locator('table.cert').first()).toContainText('www.foobar.com, foobar.com');
  await expect(encrypted.locator('table.cert').first()).toContainText('valid at the simulation');
  await expect(encrypted.locator('table.cert').nth(1)).toContainText('CN=Stackscope Simulated Root CA');

  await row(page, 'HTTP request: GET /').locator('button.step-go').click();
  await expect(inspector).toContainText('Decrypted by Stackscope with CLIENT_TRAFFIC_SECRET_0');
  await expect(inspector.locator('pre.http')).toContainText('GET / HTTP/1.1');
  await row(page, 'Forward to web-01').locator('button.step-go').click();
  await expect(inspector).toContainText('TLS ended at the load balancer');
  await expect(inspector.locator('pre.http')).toContainText('X-Forwarded-For: 198.51.100.23');

  await (await lastStepRow(page)).locator('button.step-go').click();
  await expect(page.locator('#preview-status')).toContainText('200');
  await expect(page.locator('#preview-url')).toContainText('https://www.foobar.com/');
});

test('certificate faults: expired, another name, port 443 closed; repaired by the same toggle', async ({ page }) => {
  await secured(page);
  const expire = page.getByRole('button', { name: 'Let the certificate expire', exact: true });
  await expire.click();
  await expect(expire).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('#reason-badge')).toContainText('NET::ERR_CERT_DATE_INVALID');
  await expect(row(page, 'Certificate refused')).toHaveCount(1);
  await expect(row(page, 'HTTP request')).toHaveCount(0);
  await row(page, 'TLS alert').locator('button.step-go').click();
  await expect(page.locator('#inspector')).toContainText('Encrypted alert: certificate_expired');
  await (await lastStepRow(page)).locator('button.step-go').click();
  await expect(page.locator('#preview-status')).toContainText('NET::ERR_CERT_DATE_INVALID');
  await expire.click();
  await expect(page.locator('#reason-badge')).toBeHidden();

  await page.getByRole('button', { name: 'Swap in a certificate for foobar.com only', exact: true }).click();
  await expect(page.locator('#reason-badge')).toContainText('NET::ERR_CERT_COMMON_NAME_INVALID');
  await page.locator('#restore-all').click();
  await expect(page.locator('#reason-badge')).toBeHidden();

  await page.getByRole('button', { name: 'Close port 443', exact: true }).click();
  await expect(page.locator('#reason-badge')).toContainText('ERR_CONNECTION_REFUSED');
  await expect(row(page, 'Connection refused (RST)')).toHaveCount(1);
});

test('plain http:// gets a 301 to https:// from the balancer itself', async ({ page }) => {
  await secured(page);
  await page.locator('#url-input').fill('http://www.foobar.com/about');
  await page.locator('#go').click();
  await expect(row(page, 'Redirect to HTTPS: 301')).toHaveCount(1);
  await expect(row(page, 'TLS ClientHello')).toHaveCount(0);
  await row(page, 'HTTP response: 301').locator('button.step-go').click();
  await expect(page.locator('#inspector pre.http')).toContainText('location: https://www.foobar.com/about');
});

test('on a phone the TLS tables stay inside the inspector', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await secured(page);
  await row(page, 'TLS ServerHello').locator('button.step-go').click();
  const inspector = page.locator('#inspector');
  await inspector.locator('details.tls-record summary').nth(2).click();
  const box = await inspector.boundingBox();
  const tables = inspector.locator('table');
  const n = await tables.count();
  expect(n).toBeGreaterThan(2);
  for (let i = 0; i < n; i++) {
    const t = await tables.nth(i).boundingBox();
    if (!t) continue;
    expect(t.x, `table ${i} left edge`).toBeGreaterThanOrEqual(box.x - 1);
    expect(t.x + t.width, `table ${i} right edge`).toBeLessThanOrEqual(box.x + box.width + 1);
  }
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(scroll, 'no sideways scroll').toBeLessThanOrEqual(0);
});

test('back to a design without HTTPS, the address goes back to http:// and the page answers', async ({ page }) => {
  await secured(page);
  await page.locator('#topology-redundant').check();
  await expect(page.locator('#url-input')).toHaveValue('http://www.foobar.com/');
  await expect(row(page, 'HTTP response: 200')).toHaveCount(1);
  await expect(row(page, 'TLS ClientHello')).toHaveCount(0);
});
