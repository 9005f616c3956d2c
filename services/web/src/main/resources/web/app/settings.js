// Profile, password, notifications (Web Push on this browser and preferences) and sessions.
import { html, useState, useEffect } from './lib.js';
import * as api from './api.js';
import * as s from './state.js';
import * as push from './push.js';
import { Link, Form, Field, when, attempt } from './ui.js';

function Notifications() {
  const [on, setOn] = useState(null);
  const [prefs, setPrefs] = useState(null);
  const [msg, setMsg] = useState('');
  const refresh = async () => setOn(push.supported() ? !!(await push.current()) : null);
  useEffect(() => {
    refresh().catch(() => setOn(null));
    api.preferences().then(setPrefs, (e) => setMsg(e.message));
  }, []);
  const toggle = () => attempt(async () => {
    if (on) {
      await push.disable();
      setMsg('Notifications turned off for this browser.');
    } else {
      await push.enable();
      setMsg('Notifications turned on for this browser.');
    }
    await refresh();
  }, (m) => setMsg(`Could not change notifications: ${m}`));
  return html`<section aria-labelledby="notif-h">
    <h3 id="notif-h">Notifications</h3>
    <p id="push-state">${on === null ? 'This browser cannot show push notifications.' : on ? 'Notifications are on for this browser.' : 'Notifications are off for this browser.'}</p>
    ${on !== null && html`<button type="button" onClick=${toggle}>${on ? 'Turn off notifications' : 'Turn on notifications'}</button>`}
    ${msg && html`<p role="status">${msg}</p>`}
    ${prefs && html`<${Form} label="Notification preferences" submit="Save preferences" reset=${false} action=${async (v) => {
      setPrefs(await api.savePreferences({ push: v.push === 'on', email: v.email === 'on', previews: v.previews === 'on' }));
      setMsg('Preferences saved.');
    }}>
      <label class="check"><input type="checkbox" name="push" defaultChecked=${prefs.push} /> Push notifications</label>
      <label class="check"><input type="checkbox" name="email" defaultChecked=${prefs.email} /> Email when push does not reach me</label>
      <label class="check"><input type="checkbox" name="previews" defaultChecked=${prefs.previews} /> Show message text in notifications</label>
    </${Form}>`}
  </section>`;
}

function Sessions({ onLoggedOut }) {
  const [list, setList] = useState(null);
  const [error, setError] = useState('');
  const load = () => api.sessions().then(setList, (e) => setError(e.message));
  useEffect(() => { load(); }, []);
  return html`<section aria-labelledby="sessions-h">
    <h3 id="sessions-h">Sessions</h3>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    <ul class="sessions">
      ${(list || []).map((x) => html`<li key=${x.id}>
        <span><strong>${x.current ? 'This browser' : x.userAgent || 'Unknown device'}</strong>
          <span class="muted small"> ${x.address} · last used ${when(x.lastUsedAt)}</span></span>
        ${!x.current && html`<button type="button" class="small" aria-label=${`Revoke session ${x.userAgent || x.id}`}
          onClick=${() => attempt(async () => { await api.revokeSession(x.id); await load(); }, setError)}>Revoke</button>`}
      </li>`)}
    </ul>
    <button type="button" class="danger" onClick=${() => attempt(async () => {
      await push.removeThisBrowser().catch(() => {});
      await api.logoutAll();
      onLoggedOut();
    }, setError)}>Log out everywhere</button>
  </section>`;
}

export function Settings({ onLoggedOut }) {
  const me = s.state.me;
  const [notice, setNotice] = useState('');
  return html`<section class="panel settings" aria-labelledby="settings-h">
    <header class="conv-head"><${Link} href="/app/" class="back" aria-label="Back to chats">←</${Link}><h2 id="settings-h">Settings</h2></header>
    ${notice && html`<p class="notice" role="status">${notice}</p>`}
    <section aria-labelledby="profile-h">
      <h3 id="profile-h">Profile</h3>
      <p class="muted">@${me.username} · ${me.email}</p>
      <${Form} label="Display name" submit="Save name" reset=${false} action=${async (v) => {
        s.state.me = { ...me, ...(await api.setDisplayName(v.displayName)) };
        s.changed();
        setNotice('Display name saved.');
      }}>
        <${Field} label="Display name" name="displayName" defaultValue=${me.displayName || ''} required maxlength="64" autocomplete="name" />
      </${Form}>
    </section>
    <section aria-labelledby="password-h">
      <h3 id="password-h">Password</h3>
      <${Form} label="Change password" submit="Change password" action=${async (v) => {
        await api.changePassword(v.currentPassword, v.newPassword);
        setNotice('Password changed. Your other sessions were logged out.');
      }}>
        <${Field} label="Current password" name="currentPassword" type="password" autocomplete="current-password" required />
        <${Field} label="New password" name="newPassword" type="password" autocomplete="new-password" required minlength="8" />
      </${Form}>
    </section>
    <${Notifications} />
    <${Sessions} onLoggedOut=${onLoggedOut} />
  </section>`;
}
