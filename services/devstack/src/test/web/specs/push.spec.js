const { test, expect } = require('@playwright/test');
const { signUp } = require('./helpers');

// Headless Chromium cannot subscribe to a real push service here, so only PushManager.subscribe and
// getSubscription are replaced (real WebCrypto keys, an https endpoint that is never called: nobody
// sends this user a message). Everything else is the app's: its service worker, its calls to the
// notifier's API.
function fakePushManager() {
  const b64u = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
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
  if (!('PushManager' in self)) {
    return;
  }
  PushManager.prototype.subscribe = async function subscribe(options) {
    if (!options || !options.userVisibleOnly || !options.applicationServerKey) {
      throw new DOMException('userVisibleOnly and applicationServerKey are required', 'NotAllowedError');
    }
    const keys = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
    const saved = {
      endpoint: `https://push.courier-test.invalid/push/${crypto.randomUUID()}`,
      p256dh: b64u(await crypto.subtle.exportKey('raw', keys.publicKey)),
      auth: b64u(crypto.getRandomValues(new Uint8Array(16))),
    };
    localStorage.setItem(STORE, JSON.stringify(saved));
    return make(saved);
  };
  PushManager.prototype.getSubscription = async function getSubscription() {
    const saved = localStorage.getItem(STORE);
    return saved ? make(JSON.parse(saved)) : null;
  };
}

async function subscriptionsOf(playwright, user) {
  const api = await playwright.request.newContext({ baseURL: process.env.COURIER_URL });
  const login = await api.post('/api/v1/auth/login', { data: { login: user.username, password: user.password } });
  expect(login.ok()).toBeTruthy();
  const { accessToken } = await login.json();
  const r = await api.get('/api/v1/push/subscriptions', { headers: { Authorization: `Bearer ${accessToken}` } });
  expect(r.ok()).toBeTruthy();
  const { subscriptions } = await r.json();
  await api.dispose();
  return subscriptions;
}

test('logging out removes this browser\'s push subscription from the notifier', async ({ browser, playwright }) => {
  const context = await browser.newContext();
  await context.grantPermissions(['notifications'], { origin: process.env.COURIER_URL });
  await context.addInitScript(fakePushManager);
  const page = await context.newPage();
  const user = await signUp(page, 'paula', 'Paula Push');

  await page.getByRole('link', { name: /Settings for/ }).click();
  await page.getByRole('button', { name: 'Turn on notifications' }).click();
  await expect(page.getByRole('button', { name: 'Turn off notifications' })).toBeVisible();
  const before = await subscriptionsOf(playwright, user);
  expect(before).toHaveLength(1);
  expect(before[0].endpoint).toMatch(/^https:\/\/push\.courier-test\.invalid\/push\//);

  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  await expect(page.getByRole('form', { name: 'Log in' })).toBeVisible();
  expect(await subscriptionsOf(playwright, user)).toHaveLength(0);
  // The browser forgot it too.
  expect(await page.evaluate(() => localStorage.getItem('courier-test-push-subscription'))).toBeNull();
  await context.close();
});
