// Signing up, logging in, and the password reset (request, and the form the email's link opens).
import { html, useState, useEffect } from './lib.js';
import * as api from './api.js';
import { Form, Field } from './ui.js';

export function AuthScreen({ onLoggedIn }) {
  const [mode, setMode] = useState('login');
  const [notice, setNotice] = useState('');
  const tab = (id, label) => html`<button type="button" role="tab" aria-selected=${mode === id}
      class=${mode === id ? 'tab active' : 'tab'} onClick=${() => { setMode(id); setNotice(''); }}>${label}</button>`;
  return html`<main class="auth">
    <h1>Courier</h1>
    <div role="tablist" aria-label="Account" class="tabs">
      ${tab('login', 'Log in')}${tab('signup', 'Sign up')}${tab('forgot', 'Forgot password')}
    </div>
    ${notice && html`<p class="notice" role="status">${notice}</p>`}
    ${mode === 'login' && html`<${Form} label="Log in" submit="Log in" reset=${false}
        action=${async (v) => { await api.login(v.login, v.password); await onLoggedIn(); }}>
      <${Field} label="Username or email" name="login" autocomplete="username" required />
      <${Field} label="Password" name="password" type="password" autocomplete="current-password" required />
    </${Form}>`}
    ${mode === 'signup' && html`<${Form} label="Sign up" submit="Create account" reset=${false}
        action=${async (v) => {
          await api.register(v.username, v.email, v.password, v.displayName);
          await api.login(v.username, v.password);
          await onLoggedIn();
        }}>
      <${Field} label="Username" name="username" autocomplete="username" required minlength="3" maxlength="32" />
      <${Field} label="Display name (optional)" name="displayName" autocomplete="name" maxlength="64" />
      <${Field} label="Email" name="email" type="email" autocomplete="email" required />
      <${Field} label="Password" name="password" type="password" autocomplete="new-password" required minlength="8" />
    </${Form}>`}
    ${mode === 'forgot' && html`<${Form} label="Reset password" submit="Email me a reset link"
        action=${async (v) => {
          await api.forgotPassword(v.email);
          setNotice('If that email has an account, a reset link is on its way.');
        }}>
      <${Field} label="Email" name="email" type="email" autocomplete="email" required />
    </${Form}>`}
  </main>`;
}

/** The email verification link (/app/#verify=…): confirms the address, then goes on to the app. */
export function VerifyScreen({ token, onDone }) {
  const [result, setResult] = useState(null);
  useEffect(() => {
    api.verifyEmail(token).then(() => setResult({ ok: true }), (e) => setResult({ ok: false, message: e.message }));
  }, [token]);
  return html`<main class="auth">
    <h1>Courier</h1>
    <h2>Confirm your email address</h2>
    ${result === null
      ? html`<p role="status">Confirming…</p>`
      : result.ok
        ? html`<p role="status">Your email address is confirmed.</p>`
        : html`<p class="error" role="alert">${result.message}</p>`}
    <button type="button" onClick=${onDone}>Continue</button>
  </main>`;
}

export function ResetScreen({ token, onDone }) {
  const [done, setDone] = useState(false);
  return html`<main class="auth">
    <h1>Courier</h1>
    <h2>Choose a new password</h2>
    ${done
      ? html`<p role="status">Your password is changed; every session was logged out.</p>
          <button type="button" onClick=${onDone}>Log in</button>`
      : html`<${Form} label="New password" submit="Set password"
          action=${async (v) => {
            if (v.newPassword !== v.repeat) {
              throw Object.assign(new Error('The two passwords differ.'), { field: 'repeat' });
            }
            await api.resetPassword(token, v.newPassword);
            setDone(true);
          }}>
        <${Field} label="New password" name="newPassword" type="password" autocomplete="new-password" required minlength="8" />
        <${Field} label="Repeat the new password" name="repeat" type="password" autocomplete="new-password" required minlength="8" />
      </${Form}>`}
  </main>`;
}
