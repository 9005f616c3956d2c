// Each main screen, scanned by axe-core (no serious or critical violation), in light and dark, at
// desktop width and at 360 px. With SCREENSHOTS=<dir> it also saves the README's screenshots there.
const path = require('path');
const { test, expect } = require('@playwright/test');
const { AxeBuilder } = require('@axe-core/playwright');
const { signUp, startChatWith, send, messageTexts, unique } = require('./helpers');

async function scan(page, screen) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${screen}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

async function shot(page, name) {
  if (process.env.SCREENSHOTS) {
    await page.screenshot({ path: path.join(process.env.SCREENSHOTS, `${name}.png`) });
  }
}

test('every main screen passes an accessibility scan, at desktop and mobile width, light and dark', async ({ browser }) => {
  test.setTimeout(240000);
  const a = await browser.newContext({ viewport: { width: 1100, height: 700 } });
  const b = await browser.newContext();
  const c = await browser.newContext();
  const alice = await a.newPage();
  const bob = await b.newPage();
  const carol = await c.newPage();

  await alice.goto('/');
  await expect(alice.getByRole('form', { name: 'Log in' })).toBeVisible();
  await scan(alice, 'log in');
  await shot(alice, 'login');

  await signUp(alice, 'alice', 'Alice Liddell');
  const bo = await signUp(bob, 'bob', 'Bob Marley');
  const ca = await signUp(carol, 'carol', 'Carol King');
  await startChatWith(alice, bo);
  await send(alice, 'Are we still on for the design review?');
  await expect(alice).toHaveURL(/\/app\/chats\/\d+$/);
  await bob.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: /Alice Liddell/ }).click();
  await send(bob, 'Yes, 3 pm. I will bring the mock-ups.');
  await send(alice, 'Great, I booked the small room.');
  await expect(messageTexts(bob)).toHaveCount(3);

  const room = unique('design-');
  await alice.getByRole('link', { name: 'Rooms' }).click();
  await scan(alice, 'rooms');
  const create = alice.getByRole('form', { name: 'Create a room' });
  await create.getByLabel('Room name').fill(room);
  await create.getByRole('button', { name: 'Create room' }).click();
  await alice.getByRole('link', { name: 'Room settings' }).click();
  for (const u of [bo, ca]) {
    await alice.getByLabel('Invite people by name').fill(u.username);
    await alice.getByRole('button', { name: new RegExp(`@${u.username}`) }).click();
    await expect(alice.getByRole('status').filter({ hasText: 'was invited' })).toBeVisible();
  }
  await alice.getByRole('button', { name: 'Make admin: Bob Marley' }).click();
  await expect(alice.locator('.members li')).toHaveCount(3);
  await expect(alice.locator('.members li', { hasText: 'Bob Marley' }).locator('.role')).toHaveText('admin');
  await scan(alice, 'room admin');
  await shot(alice, 'room-admin');

  await alice.getByRole('link', { name: 'Back to the conversation' }).click();
  await send(alice, 'Welcome to the design review room.');
  await bob.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: new RegExp(room) }).click();
  await send(bob, 'Mock-ups are in the shared folder.');
  await expect(messageTexts(alice)).toHaveCount(2);
  await scan(alice, 'conversation (room)');

  await alice.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: /Bob Marley/ }).click();
  await expect(messageTexts(alice)).toHaveCount(3);
  await scan(alice, 'conversation (direct)');
  await shot(alice, 'conversation');

  await alice.emulateMedia({ colorScheme: 'dark' });
  await scan(alice, 'conversation (dark)');
  await shot(alice, 'conversation-dark');
  await alice.emulateMedia({ colorScheme: 'light' });

  await carol.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: new RegExp(room) }).waitFor();
  await carol.setViewportSize({ width: 1100, height: 700 });
  await scan(carol, 'chat list');
  await shot(carol, 'chat-list');

  await alice.getByRole('link', { name: 'New chat' }).click();
  await scan(alice, 'new chat');

  await alice.getByRole('link', { name: /Settings for/ }).click();
  await expect(alice.getByRole('heading', { name: 'Sessions' })).toBeVisible();
  await expect(alice.locator('.sessions li')).not.toHaveCount(0);
  await scan(alice, 'settings');
  await shot(alice, 'settings');

  // 360 px: one pane at a time; the list, then the conversation with a way back.
  await bob.setViewportSize({ width: 360, height: 740 });
  await bob.goto('/app/');
  await expect(bob.getByRole('navigation', { name: 'Chats' })).toBeVisible();
  await scan(bob, 'chat list (360 px)');
  await shot(bob, 'mobile-list');
  await bob.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: /Alice Liddell/ }).click();
  await expect(bob.getByRole('navigation', { name: 'Chats' })).toBeHidden();
  await expect(bob.getByRole('link', { name: 'Back to chats' })).toBeVisible();
  await scan(bob, 'conversation (360 px)');
  await shot(bob, 'mobile');
  const overflow = await bob.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);

  await Promise.all([a.close(), b.close(), c.close()]);
});

test('the keyboard alone logs in, opens a chat and sends', async ({ browser }) => {
  const a = await browser.newContext();
  const b = await browser.newContext();
  const alice = await a.newPage();
  const bob = await b.newPage();
  const al = await signUp(alice, 'alice', 'Alice Keys');
  const bo = await signUp(bob, 'bob', 'Bob Keys');
  await startChatWith(bob, al);
  await send(bob, 'ping');
  await alice.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: /Bob Keys\s*, 1 unread/ }).waitFor();
  // The new message was announced to screen readers.
  await expect(alice.locator('[aria-live="polite"][aria-atomic="true"]')).toHaveText('Bob Keys: ping');

  await alice.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: /Bob Keys/ }).focus();
  await alice.keyboard.press('Enter');
  await expect(messageTexts(alice)).toHaveText(['ping']);
  // Tab from the chat's link reaches the composer; Enter sends.
  for (let i = 0; i < 20; i += 1) {
    if (await alice.evaluate(() => document.activeElement?.getAttribute('aria-label') === 'Message')) {
      break;
    }
    await alice.keyboard.press('Tab');
  }
  await alice.keyboard.type('pong');
  await alice.keyboard.press('Enter');
  await expect(messageTexts(bob)).toHaveText(['ping', 'pong']);
  await Promise.all([a.close(), b.close()]);
});
