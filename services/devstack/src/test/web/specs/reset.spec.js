const { test, expect } = require('@playwright/test');
const { signUp, logIn, expectOnline } = require('./helpers');

/** The newest mail to `email` in the SMTP sink (GreenMail's REST API) that matches `pattern`, as text. */
async function awaitMail(request, email, pattern) {
  const url = `${process.env.COURIER_MAIL}/api/user/${encodeURIComponent(email)}/messages/INBOX`;
  // Quoted-printable: soft line breaks and =XX escapes.
  const text = (m) => m.mimeMessage
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
  let found = null;
  await expect.poll(async () => {
    const r = await request.get(url);
    const json = await r.json();
    const mails = (Array.isArray(json) ? json : []).map(text).filter((t) => pattern.test(t));
    found = mails.length ? mails[mails.length - 1] : null;
    return found !== null;
  }, { timeout: 30000 }).toBe(true);
  return found;
}

test('password reset: the emailed link opens the form, the new password logs in, the old one no longer does', async ({ page, request }) => {
  const user = await signUp(page, 'rita', 'Rita Reset');
  // Auth mails an unverified address nothing but its verification link: confirm it first.
  const verification = await awaitMail(request, user.email, /#verify=/);
  const verify = verification.match(/#verify=([A-Za-z0-9_-]+)/);
  expect(verify, verification).not.toBeNull();
  await page.goto(`/app/#verify=${verify[1]}`);
  await expect(page.getByRole('status').filter({ hasText: 'Your email address is confirmed.' })).toBeVisible();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('button', { name: 'Log out', exact: true }).click();

  await page.getByRole('tab', { name: 'Forgot password' }).click();
  const form = page.getByRole('form', { name: 'Reset password' });
  await form.getByLabel('Email').fill(user.email);
  await form.getByRole('button', { name: 'Email me a reset link' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'a reset link is on its way' })).toBeVisible();

  const mail = await awaitMail(request, user.email, /#reset=/);
  const link = mail.match(/https?:\/\/[^\s"<>]+\/app\/#reset=[A-Za-z0-9_-]+/);
  expect(link, mail).not.toBeNull();
  const token = link[0].split('#reset=')[1];

  await page.goto(`/app/#reset=${token}`);
  const reset = page.getByRole('form', { name: 'New password' });
  await reset.getByLabel('New password', { exact: true }).fill('a brand new secret');
  await reset.getByLabel('Repeat the new password').fill('a brand new secret');
  await reset.getByRole('button', { name: 'Set password' }).click();
  await expect(page.getByText('Your password is changed')).toBeVisible();
  await page.getByRole('button', { name: 'Log in' }).click();

  await logIn(page, user.email, user.password);
  await expect(page.getByRole('alert')).toBeVisible();
  await logIn(page, user.username, 'a brand new secret');
  await expectOnline(page);

  // The link is spent.
  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  await page.goto(`/app/#reset=${token}`);
  await reset.getByLabel('New password', { exact: true }).fill('yet another secret');
  await reset.getByLabel('Repeat the new password').fill('yet another secret');
  await reset.getByRole('button', { name: 'Set password' }).click();
  await expect(reset.getByRole('alert')).toContainText('token');
});
