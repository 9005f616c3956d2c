// Drives headless Chromium through the web app's notification settings for BrowserTest (Java), one JSON line at a time:
//   stdin  {origin, pushOrigin, login, password}  -> stdout {step: "subscribed", endpoint, privateKey, auth, applicationServerKey}
//   stdin  {data}   (the decrypted push payload)  -> stdout {step: "notifications", notifications: [...]}
//                                                 -> stdout {step: "clicked", url, title}
//   stdin  {}                                     -> stdout {step: "unsubscribed"}
// Headless Chromium cannot subscribe to a real push service offline, so only PushManager.subscribe and
// getSubscription are replaced: they make real WebCrypto P-256 keys and an endpoint on the test's push
// service. The push itself is delivered to the real service worker over the DevTools protocol.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');
const { chromium } = require('playwright-core');

const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();

async function read() {
  const { value, done } = await lines.next();
  if (done) {
    throw new Error('stdin closed');
  }
  return JSON.parse(value);
}

function emit(obj) {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, fn, timeoutMs = 15000, everyMs = 100) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) {
      return v;
    }
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await sleep(everyMs);
  }
}

// Runs in every page before its scripts.
function fakePushManager(pushOrigin) {
  if (!('PushManager' in self)) {
    return;
  }
  const b64u = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)))
    .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const fromB64u = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  const STORE = 'courier-test-push-subscription';
  const make = (saved) => ({
    endpoint: saved.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true },
    getKey: (name) => (name === 'p256dh' ? fromB64u(saved.p256dh).buffer : name === 'auth' ? fromB64u(saved.auth).buffer : null),
    toJSON: () => ({ endpoint: saved.endpoint, expirationTime: null, keys: { p256dh: saved.p256dh, auth: saved.auth } }),
    unsubscribe: async () => {
      localStorage.removeItem(STORE);
      return true;
    },
  });
  PushManager.prototype.subscribe = async function subscribe(options) {
    if (!options || !options.userVisibleOnly || !options.applicationServerKey) {
      throw new DOMException('userVisibleOnly and applicationServerKey are required', 'NotAllowedError');
    }
    const keys = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
    const raw = await crypto.subtle.exportKey('raw', keys.publicKey);
    const jwk = await crypto.subtle.exportKey('jwk', keys.privateKey);
    const saved = {
      endpoint: `${pushOrigin}/push/browser-${crypto.randomUUID()}`,
      p256dh: b64u(raw),
      auth: b64u(crypto.getRandomValues(new Uint8Array(16))),
    };
    localStorage.setItem(STORE, JSON.stringify(saved));
    window.__courierTestPush = { ...saved, privateKey: jwk.d, applicationServerKey: b64u(options.applicationServerKey) };
    return make(saved);
  };
  PushManager.prototype.getSubscription = async function getSubscription() {
    const saved = localStorage.getItem(STORE);
    return saved ? make(JSON.parse(saved)) : null;
  };
}

async function main() {
  const cfg = await read();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'courier-chromium-'));
  // A persistent context: incognito ones refuse the Push API and service workers' notifications.
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: cfg.chromium || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    await context.grantPermissions(['notifications'], { origin: cfg.origin });
    await context.addInitScript(fakePushManager, cfg.pushOrigin);
    const page = context.pages()[0] || (await context.newPage());
    page.on('console', (m) => process.stderr.write(`page: ${m.text()}\n`));
    context.on('console', (m) => process.stderr.write(`context: ${m.text()}\n`));

    // The web app (services/web): log in, then turn notifications on in its settings.
    await page.goto(`${cfg.origin}/`);
    await page.getByLabel('Username or email').fill(cfg.login);
    await page.getByLabel('Password').fill(cfg.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    // Signed in (this origin has no messenger, so the app's socket stays offline: not needed here).
    await page.getByRole('button', { name: 'Log out', exact: true }).waitFor();
    await page.goto(`${cfg.origin}/app/settings`);
    await page.getByRole('button', { name: 'Turn on notifications' }).click();
    await page.getByRole('button', { name: 'Turn off notifications' }).waitFor();
    const sub = await page.evaluate(() => window.__courierTestPush);
    emit({ step: 'subscribed', ...sub, status: await page.textContent('#push-state') });

    const push = await read();
    const cdp = await context.newCDPSession(page);
    const registrations = new Map();
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => {
      e.registrations.forEach((r) => registrations.set(r.registrationId, r));
    });
    await cdp.send('ServiceWorker.enable');
    const reg = await until('the service worker registration', () =>
      [...registrations.values()].find((r) => r.scopeURL === `${cfg.origin}/` && !r.isDeleted));
    cdp.on('ServiceWorker.workerErrorReported', (e) => process.stderr.write(`service worker error: ${JSON.stringify(e.errorMessage)}\n`));
    // Attach to the worker (and so keep it running) before the push arrives.
    const worker = context.serviceWorkers()[0] || (await context.waitForEvent('serviceworker'));
    await worker.evaluate(() => self.registration.active && self.registration.active.state);
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin: cfg.origin,
      registrationId: reg.registrationId,
      data: push.data,
    });
    // Polling getNotifications() right away can miss the notification being shown; give it a moment.
    await sleep(500);
    const notifications = await until('a notification', async () => {
      const list = await worker.evaluate(async () => (await self.registration.getNotifications())
        .map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data })));
      return list.length ? list : null;
    }, 15000, 500);
    emit({ step: 'notifications', notifications });

    // DevTools cannot click a system notification; dispatch the same event in the service worker.
    await worker.evaluate(async () => {
      const [n] = await self.registration.getNotifications();
      self.dispatchEvent(new NotificationEvent('notificationclick', { notification: n }));
    });
    // The click opens that chat's URL; the chat's view itself needs the messenger, which this
    // notifier-only origin does not serve (the web module's browser suite covers the view).
    await page.waitForURL(/\/app\/chats\/\d+$/, { timeout: 15000 });
    emit({ step: 'clicked', url: page.url(), title: await page.title() });

    await read();
    await page.goto(`${cfg.origin}/app/settings`);
    await page.getByRole('button', { name: 'Turn off notifications' }).click();
    await page.getByRole('button', { name: 'Turn on notifications' }).waitFor();
    emit({ step: 'unsubscribed', status: await page.textContent('#push-state') });
  } finally {
    await context.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (e) => {
  emit({ step: 'error', message: String((e && e.stack) || e) });
  process.exit(1);
});
