// The shared Playwright fixture: every test fails if the page logged a
// console error, threw, or a request failed (HTTP 4xx/5xx included).
import { test as base, expect } from '@playwright/test';

export { expect };

export const test = base.extend({
  problems: [
    async ({ page }, use, testInfo) => {
      const problems = [];
      page.on('console', (msg) => {
        if (msg.type() !== 'error') return;
        problems.push(`console.error: ${msg.text()} (${msg.location()?.url ?? ''})`);
      });
      page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
      page.on('requestfailed', (req) =>
        problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`),
      );
      page.on('response', (res) => {
        if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
      });
      await use(problems);
      if (problems.length) {
        await testInfo.attach('problems', { body: problems.join('\n') });
      }
      expect(problems, 'console errors, page errors or failed requests').toEqual([]);
    },
    { auto: true },
  ],
});
