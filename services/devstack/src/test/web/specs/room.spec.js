const { test, expect } = require('@playwright/test');
const { signUp, send, messageTexts, unique, expectOnline } = require('./helpers');

test('a room with three people: create, invite, join a public room, unread counts, leave, remove', async ({ browser }) => {
  const contexts = await Promise.all([browser.newContext(), browser.newContext(), browser.newContext()]);
  const [owner, carol, dave] = await Promise.all(contexts.map((c) => c.newPage()));
  await signUp(owner, 'olga', 'Olga Owner');
  const ca = await signUp(carol, 'carol', 'Carol Invited');
  await signUp(dave, 'dave', 'Dave Joiner');
  const room = unique('room');

  // Olga creates a public room and invites Carol.
  await owner.getByRole('link', { name: 'Rooms' }).click();
  const create = owner.getByRole('form', { name: 'Create a room' });
  await create.getByLabel('Room name').fill(room);
  await create.getByRole('button', { name: 'Create room' }).click();
  await expect(owner.getByRole('heading', { level: 2, name: `# ${room}` })).toBeVisible();
  await owner.getByRole('link', { name: 'Room settings' }).click();
  await expect(owner.getByText('You are the owner.')).toBeVisible();
  await owner.getByLabel('Invite people by name').fill(ca.username);
  await owner.getByRole('button', { name: new RegExp(`@${ca.username}`) }).click();
  await expect(owner.getByRole('status').filter({ hasText: 'Carol Invited was invited.' })).toBeVisible();
  const members = owner.locator('.members li');
  await expect(members).toHaveCount(2);

  // Carol has the room in her list at once; Dave finds it among the public rooms and joins.
  const carolsEntry = carol.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: new RegExp(room) });
  await expect(carolsEntry).toBeVisible();
  await dave.getByRole('link', { name: 'Rooms' }).click();
  await dave.getByRole('button', { name: `Join ${room}` }).click();
  await expect(dave.getByRole('heading', { level: 2, name: `# ${room}` })).toBeVisible();
  await expect(members).toHaveCount(3);

  // Olga writes twice: Carol, on her list, sees 2 unread; Dave, in the room, sees them live.
  await owner.getByRole('link', { name: 'Back to the conversation' }).click();
  await send(owner, 'Welcome, both');
  await send(owner, 'Agenda at ten');
  await expect(messageTexts(dave)).toHaveText(['Welcome, both', 'Agenda at ten']);
  await expect(carol.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: new RegExp(`${room}\\s*, 2 unread`) })).toBeVisible();
  await carolsEntry.click();
  await expect(messageTexts(carol)).toHaveText(['Welcome, both', 'Agenda at ten']);
  await expect(carol.locator('.msg .from').first()).toHaveText('Olga Owner');

  // Carol is a plain member: she is offered leaving, not removing or renaming.
  await carol.getByRole('link', { name: 'Room settings' }).click();
  await expect(carol.getByText('You are a member.')).toBeVisible();
  await expect(carol.getByRole('button', { name: /^Remove / })).toHaveCount(0);
  await expect(carol.getByRole('form', { name: 'Rename the room' })).toHaveCount(0);

  // Dave leaves; Olga's member list follows.
  await dave.getByRole('link', { name: 'Room settings' }).click();
  await dave.getByRole('button', { name: 'Leave room' }).click();
  await expect(dave.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: new RegExp(room) })).toHaveCount(0);
  await owner.getByRole('link', { name: 'Room settings' }).click();
  await expect(owner.locator('.members li')).toHaveCount(2);

  // Olga removes Carol: the room leaves Carol's list and her open view.
  await owner.getByRole('button', { name: 'Remove Carol Invited' }).click();
  await expect(owner.locator('.members li')).toHaveCount(1);
  await expect(carol.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: new RegExp(room) })).toHaveCount(0);
  await expect(carol).toHaveURL(/\/app\/$/);
  await expectOnline(carol);

  // The owner cannot simply leave a room with... only herself now: leaving deletes it.
  await Promise.all(contexts.map((c) => c.close()));
});
