const { test, expect } = require('@playwright/test');
const { signUp, startChatWith, send, messageTexts } = require('./helpers');

test('history pages upward by cursor as the person scrolls to the top', async ({ browser }) => {
  const a = await browser.newContext();
  const b = await browser.newContext();
  const alice = await a.newPage();
  const bob = await b.newPage();
  await signUp(alice, 'alice', 'Alice History');
  const bo = await signUp(bob, 'bob', 'Bob History');
  await startChatWith(alice, bo);
  await send(alice, 'h001');
  await expect(alice).toHaveURL(/\/app\/chats\/\d+$/);
  const chatId = alice.url().match(/(\d+)$/)[1];
  // 119 more through the API with Alice's cookie: more than two pages of 50.
  const texts = ['h001'];
  for (let i = 2; i <= 120; i += 1) {
    const text = `h${String(i).padStart(3, '0')}`;
    texts.push(text);
    const r = await alice.request.post(`/api/v1/chats/${chatId}/messages`, { data: { text, clientId: `history-${chatId}-${i}` } });
    expect(r.status()).toBe(201);
  }

  await bob.goto(`/app/chats/${chatId}`);
  // The newest page first, at the bottom.
  await expect(messageTexts(bob)).toHaveCount(50);
  await expect(messageTexts(bob).last()).toHaveText('h120');
  const list = bob.locator('.messages');
  for (const count of [100, 120]) {
    await list.evaluate((el) => { el.scrollTop = 0; });
    await expect(messageTexts(bob)).toHaveCount(count);
  }
  await expect(messageTexts(bob)).toHaveText(texts);
  await expect(bob.getByRole('button', { name: 'Load older messages' })).toHaveCount(0);
  await a.close();
  await b.close();
});
