// Active-active against active-passive: the same power failure of web-01,
// with web-02 serving too, or waiting as a standby.
import { test, expect } from '@playwright/test';
import { returning } from './fixtures.mjs';

test.beforeEach(async ({ context }) => returning(context));

test('a standby idles, then takes over after the health checks; a serving pair loses only a share', async ({ page }) => {
  await page.goto('./');
  await page.locator('#failover-standby').click();
  const summary = page.locator('#deploy-summary');
  await expect(summary).toContainText('outage');
  const note = page.locator('#deploy-note');
  await expect(note).toContainText('Active-passive: before the failure only web-01 served; the standby idled');
  await expect(note).toContainText('the failover took 4.0 s');
  await expect(note).toContainText('a single point of failure');
  await page.locator('#failover-web').click();
  await expect(note).toContainText('Active-active: before the failure 2 of 2 servers served');
  await expect(summary).toContainText('0 of 60 failed');
  await expect(note).toContainText('none failed');
});
