const { test, expect } = require('@playwright/test');
const { signUp, startChatWith, send, messageTexts, message, openChat } = require('./helpers');

test('two people sign up, find each other and chat both ways live', async ({ browser }) => {
  const a = await browser.newContext();
  const b = await browser.newContext();
  const alice = await a.newPage();
  const bob = await b.newPage();
  const al = await signUp(alice, 'alice', 'Alice Liddell');
  const bo = await signUp(bob, 'bob', 'Bob Dylan');

  await startChatWith(alice, bo);
  await send(alice, 'Hi Bob');
  // Pending at once, then acknowledged: the first message created the chat, whose address it now has.
  await expect(alice).toHaveURL(/\/app\/chats\/\d+$/);
  await expect(message(alice, 'Hi Bob').locator('.status')).toHaveText('Sent');

  // Bob's list shows the new chat live, unread, without a reload.
  const entry = bob.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: /Alice Liddell\s*, 1 unread/ });
  await expect(entry).toBeVisible();
  await entry.click();
  await expect(messageTexts(bob)).toHaveText(['Hi Bob']);
  // Opening it read it: the badge is gone, and Alice sees it was seen.
  await expect(bob.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: /^Alice Liddell/ })).not.toHaveAccessibleName(/unread/);
  await expect(message(alice, 'Hi Bob').locator('.status')).toHaveText('Seen');

  await send(bob, 'Hi Alice');
  await expect(messageTexts(alice)).toHaveText(['Hi Bob', 'Hi Alice']);
  await send(alice, 'How are you?');
  await expect(messageTexts(bob)).toHaveText(['Hi Bob', 'Hi Alice', 'How are you?']);

  // Bob edits his message, Alice deletes hers: each shows on the other side live.
  await message(bob, 'Hi Alice').getByRole('button', { name: 'Edit message' }).click();
  await bob.getByLabel('Edited text').fill('Hello Alice');
  await bob.getByLabel('Edited text').press('Enter');
  await expect(messageTexts(alice)).toHaveText(['Hi Bob', 'Hello Alice', 'How are you?']);
  await expect(message(alice, 'Hello Alice')).toContainText('edited');
  await message(alice, 'How are you\\?').getByRole('button', { name: 'Delete message' }).click();
  await expect(messageTexts(bob)).toHaveText(['Hi Bob', 'Hello Alice', 'Message deleted']);

  // A reload keeps everything (history over REST), and a deep link opens the chat.
  const url = alice.url();
  await alice.goto(url);
  await expect(messageTexts(alice)).toHaveText(['Hi Bob', 'Hello Alice', 'Message deleted']);
  await openChat(bob, 'Alice Liddell');
  await a.close();
  await b.close();
});
