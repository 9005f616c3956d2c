// Steps a person takes, shared by the specs. Every name is new per run: the stack is reused.
const { expect } = require('@playwright/test');

let counter = 0;
const PASSWORD = 'correct horse battery staple';

function unique(prefix) {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${counter}${Math.floor(Math.random() * 1296).toString(36)}`;
}

async function expectOnline(page) {
  await expect(page.getByRole('status', { name: 'Connection: Online' })).toBeVisible();
}

async function signUp(page, prefix, displayName) {
  const username = unique(prefix);
  const email = `${username}@example.test`;
  await page.goto('/');
  await page.getByRole('tab', { name: 'Sign up' }).click();
  const form = page.getByRole('form', { name: 'Sign up' });
  await form.getByLabel('Username', { exact: true }).fill(username);
  if (displayName) {
    await form.getByLabel('Display name (optional)').fill(displayName);
  }
  await form.getByLabel('Email', { exact: true }).fill(email);
  await form.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await form.getByRole('button', { name: 'Create account' }).click();
  await expectOnline(page);
  return { username, email, password: PASSWORD, name: displayName || username };
}

async function logIn(page, login, password) {
  await page.goto('/');
  const form = page.getByRole('form', { name: 'Log in' });
  await form.getByLabel('Username or email').fill(login);
  await form.getByLabel('Password', { exact: true }).fill(password);
  await form.getByRole('button', { name: 'Log in' }).click();
}

/** New chat → search → pick: opens the (possibly not yet created) direct chat with `user`. */
async function startChatWith(page, user) {
  await page.getByRole('link', { name: 'New chat' }).click();
  await page.getByLabel('Find people by name').fill(user.username);
  await page.getByRole('button', { name: new RegExp(`@${user.username}`) }).click();
  await expect(page.getByRole('heading', { level: 2, name: user.name })).toBeVisible();
}

async function send(page, text) {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

function messageTexts(page) {
  return page.locator('.conversation .msg .text');
}

function message(page, text) {
  return page.locator('.conversation .msg', { has: page.locator('.text', { hasText: new RegExp(`^${text}$`) }) });
}

/** Opens a chat from the list by its title. */
async function openChat(page, title) {
  await page.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: new RegExp(`^#? ?${title}`) }).click();
}

module.exports = { PASSWORD, unique, expectOnline, signUp, logIn, startChatWith, send, messageTexts, message, openChat };
