import { chromium, type Browser, type Page } from 'playwright-core';
import type { AddressInfo } from 'node:net';
import { testPlatform, type TestPlatform } from '../server/src/test/harness.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The platform on a real port with the built web app, and Debian's Chromium driven by playwright-core. */
export interface BrowserRig {
  t: TestPlatform;
  baseUrl: string;
  browser: Browser;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function browserRig(): Promise<BrowserRig> {
  const t = await testPlatform();
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = t.app.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Without the background-networking flags Chromium keeps dialling Google on this closed network.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    t,
    baseUrl,
    browser,
    async newPage() {
      // A phone-sized viewport: the people this is built for use phones.
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, baseURL: baseUrl, locale: 'en-IN' });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      return page;
    },
    async close() {
      await browser.close();
      await t.close();
    },
  };
}
