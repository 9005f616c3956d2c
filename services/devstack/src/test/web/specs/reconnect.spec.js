const { test, expect } = require('@playwright/test');
const { signUp, startChatWith, send, messageTexts, message } = require('./helpers');

test('offline while 20 messages arrive: after reconnecting all show once, in order, with edits and deletes', async ({ browser }) => {
  const a = await browser.newContext();
  const b = await browser.newContext();
  const alice = await a.newPage();
  const bob = await b.newPage();
  await signUp(alice, 'alice', 'Alice Offline');
  const bo = await signUp(bob, 'bob', 'Bob Offline');
  await startChatWith(alice, bo);
  await send(alice, 'before');
  await expect(alice).toHaveURL(/\/app\/chats\/\d+$/);
  await bob.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: /Alice Offline/ }).click();
  await expect(messageTexts(bob)).toHaveText(['before']);

  await b.setOffline(true);
  await expect(bob.getByRole('status', { name: /Connection: Offline/ })).toBeVisible();

  const sent = [];
  for (let i = 1; i <= 20; i += 1) {
    const text = `m${String(i).padStart(2, '0')}`;
    sent.push(text);
    await send(alice, text);
  }
  await expect(alice.locator('.conversation .msg .status', { hasText: 'Sending' })).toHaveCount(0);
  await message(alice, 'm05').getByRole('button', { name: 'Edit message' }).click();
  await alice.getByLabel('Edited text').fill('m05 edited');
  await alice.getByLabel('Edited text').press('Enter');
  await expect(message(alice, 'm05 edited')).toBeVisible();
  await message(alice, 'm07').getByRole('button', { name: 'Delete message' }).click();
  await expect(message(alice, 'Message deleted')).toBeVisible();

  // Nothing reached Bob while he was offline.
  await expect(messageTexts(bob)).toHaveText(['before']);

  await b.setOffline(false);
  await expect(bob.getByRole('status', { name: 'Connection: Online' })).toBeVisible();
  const expected = ['before', ...sent.map((t) => (t === 'm05' ? 'm05 edited' : t === 'm07' ? 'Message deleted' : t))];
  await expect(messageTexts(bob)).toHaveText(expected);
  // And once only: the same again a moment later (no late duplicates from the resume).
  await bob.waitForTimeout(1000);
  await expect(messageTexts(bob)).toHaveText(expected);

  // Bob answers; his send goes over the resumed socket.
  await send(bob, 'back online');
  await expect(messageTexts(alice)).toContainText(['back online']);
  await a.close();
  await b.close();
});

test('a message sent while offline shows as pending and is delivered once after reconnecting', async ({ browser }) => {
  const a = await browser.newContext();
  const b = await browser.newContext();
  const alice = await a.newPage();
  const bob = await b.newPage();
  await signUp(alice, 'alice', 'Alice Pending');
  const bo = await signUp(bob, 'bob', 'Bob Pending');
  await startChatWith(alice, bo);
  await send(alice, 'first');
  await expect(alice).toHaveURL(/\/app\/chats\/\d+$/);

  await a.setOffline(true);
  await expect(alice.getByRole('status', { name: /Connection: Offline/ })).toBeVisible();
  await send(alice, 'written offline');
  await expect(message(alice, 'written offline').locator('.status')).toHaveText('Sending…');
  await a.setOffline(false);
  await expect(message(alice, 'written offline').locator('.status')).toHaveText(/Sent|Seen/);

  await bob.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: /Alice Pending/ }).click();
  await expect(messageTexts(bob)).toHaveText(['first', 'written offline']);
  await a.close();
  await b.close();
});
