import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer } from 'node:net';
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

/**
 * A port nobody listens on right now, for a server whose config must know its address before it
 * listens. Taken below Linux's ephemeral range (32768–60999): a port the OS picked there could be
 * handed to some outgoing connection while the platform is still being built.
 */
async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const probe = createServer();
    const free = await new Promise<boolean>((resolve) => {
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (!free) continue;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    return port;
  }
}

/** The platform listening on a port its PUBLIC_URL names; another port if that one was taken meanwhile. */
async function listeningPlatform(env: Record<string, string> | undefined): Promise<{ t: TestPlatform; baseUrl: string }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const t = await testPlatform({ env: { PUBLIC_URL: baseUrl, ...env } });
    try {
      await t.app.listen({ host: '127.0.0.1', port });
      return { t, baseUrl };
    } catch (err) {
      await t.close();
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt === 5) throw err;
    }
  }
}

export async function browserRig(opts: { env?: Record<string, string> } = {}): Promise<BrowserRig> {
  // PUBLIC_URL is where the browser finds the server: absolute links it hands out (the sandbox
  // checkout page, the gateway's return address, links in mails) must lead back to this port.
  const { t, baseUrl } = await listeningPlatform(opts.env);
  const browser = await chromium
    .launch({
      executablePath: CHROMIUM,
      headless: true,
      // Without the background-networking flags Chromium keeps dialling Google on this closed network.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    })
    .catch(async (err: unknown) => {
      await t.close();
      throw err;
    });
  return {
    t,
    baseUrl,
    browser,
    async newPage() {
      // A phone-sized viewport: the people this is built for use phones.
      // Reduced motion (the app honours it): a click right after a panel opens never lands mid-animation.
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, baseURL: baseUrl, locale: 'en-IN', reducedMotion: 'reduce' });
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

/** Collects uncaught errors and console errors (Chromium logs every 4xx answer too; those are expected). */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  return errors;
}

/** Follows a link of the main menu (behind its toggle on a phone) and waits for the page it leads to. */
export async function openFromMenu(page: Page, link: string, url: RegExp): Promise<void> {
  const menu = page.getByRole('button', { name: 'Toggle navigation' });
  if (await menu.isVisible()) await menu.click();
  await page.getByRole('link', { name: link, exact: true }).click();
  await page.waitForURL(url);
}

/** A new browser (phone-sized unless a viewport is given) signed in as the person, with its errors watched. */
export async function signedInPage(
  rig: BrowserRig,
  person: { email: string; password: string; name: string },
  opts: { viewport?: { width: number; height: number } } = {},
): Promise<{ page: Page; errors: string[] }> {
  const page = await rig.newPage();
  if (opts.viewport) await page.setViewportSize(opts.viewport);
  const errors = watchErrors(page);
  await signIn(page, person);
  return { page, errors };
}

/** Signs in through the login form and waits for the dashboard to greet the person. */
export async function signIn(page: Page, person: { email: string; password: string; name: string }): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText(person.name).first().waitFor();
}
