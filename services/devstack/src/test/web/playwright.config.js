// Playwright Test against the whole stack that WebAppBrowserTest (Java) starts: COURIER_URL is its
// gateway (one origin, as the ingress), COURIER_MAIL the SMTP sink's REST API. Chromium is Debian's
// (no browser download: PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 at install).
const { defineConfig } = require('@playwright/test');

module.exports = defineConfig({
  testDir: './specs',
  timeout: 120000,
  expect: { timeout: 20000 },
  workers: Number(process.env.PW_WORKERS || 2),
  retries: 0,
  reporter: [['list']],
  outputDir: process.env.PW_OUTPUT || '../../../target/playwright',
  use: {
    baseURL: process.env.COURIER_URL,
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
    },
    screenshot: 'only-on-failure',
  },
});
