// The notifier's page: log in, turn notifications on or off, edit preferences.
import * as api from './api.js';
import * as push from './push.js';

const $ = (id) => document.getElementById(id);

function say(text) {
  $('status').textContent = text;
}

function show(loggedIn) {
  $('login-view').hidden = loggedIn;
  $('app-view').hidden = !loggedIn;
  $('logout').hidden = !loggedIn;
}

function showChat() {
  // Notification clicks land on /app/chats/{id}.
  const m = location.pathname.match(/^\/app\/chats\/(\d+)$/);
  if (m) {
    $('chat-title').textContent = `Chat ${m[1]}`;
    $('chat-title').hidden = false;
  }
}

async function refreshPush() {
  if (!push.supported()) {
    $('push-state').textContent = 'This browser cannot show push notifications.';
    return;
  }
  const sub = await push.current();
  $('push-state').textContent = sub ? 'Notifications are on for this browser.' : 'Notifications are off for this browser.';
  $('enable-push').hidden = !!sub;
  $('disable-push').hidden = !sub;
}

async function loadPreferences() {
  const p = await api.preferences();
  const form = $('prefs-form');
  for (const name of ['push', 'email', 'previews']) {
    form.elements[name].checked = p[name];
  }
}

async function enter() {
  show(true);
  showChat();
  await loadPreferences();
  await refreshPush();
}

async function start() {
  try {
    await enter();
  } catch (e) {
    if (e instanceof api.ApiError && e.status === 401) {
      show(false);
    } else {
      say(e.message);
    }
  }
}

$('login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  try {
    await api.login($('login').value, $('password').value);
    say('Logged in.');
    await enter();
  } catch (e) {
    say(e.status === 401 ? 'Wrong name or password.' : e.message);
  }
});

$('logout').addEventListener('click', async () => {
  try {
    await api.logout();
  } finally {
    show(false);
    say('Logged out.');
  }
});

$('enable-push').addEventListener('click', async () => {
  try {
    await push.enable();
    say('Notifications turned on.');
  } catch (e) {
    say(`Could not turn on notifications: ${e.message}`);
  }
  await refreshPush();
});

$('disable-push').addEventListener('click', async () => {
  try {
    await push.disable();
    say('Notifications turned off.');
  } catch (e) {
    say(`Could not turn off notifications: ${e.message}`);
  }
  await refreshPush();
});

$('prefs-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = ev.target.elements;
  try {
    await api.savePreferences({ push: f.push.checked, email: f.email.checked, previews: f.previews.checked });
    say('Preferences saved.');
  } catch (e) {
    say(e.message);
  }
});

start();
