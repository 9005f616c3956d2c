// The Courier web app: routes, the signed-in shell, and the connection state.
import { html, render, useState, useEffect } from './lib.js';
import * as api from './api.js';
import * as s from './state.js';
import * as push from './push.js';
import { AuthScreen, ResetScreen, VerifyScreen } from './auth.js';
import { ChatList, Conversation, NewChat, Rooms } from './chats.js';
import { RoomPanel } from './room.js';
import { Settings } from './settings.js';
import { Link, navigate } from './ui.js';

/** The route from the path: /app/chats/{id}[/room], /app/to/{userId}, /app/new, /app/rooms, /app/settings. */
function route() {
  const p = location.pathname;
  let m = p.match(/^\/app\/chats\/(\d+)(\/room)?\/?$/);
  if (m) {
    return { view: m[2] ? 'room' : 'chat', chatId: Number(m[1]) };
  }
  m = p.match(/^\/app\/to\/(\d+)\/?$/);
  if (m) {
    return { view: 'to', to: Number(m[1]) };
  }
  m = p.match(/^\/app\/(new|rooms|settings)\/?$/);
  return { view: m ? m[1] : 'home' };
}

function verifyToken() {
  const m = location.hash.match(/^#verify=([^&]+)/);
  return m ? decodeURIComponent(m[1]) : null;
}

function resetToken() {
  const m = location.hash.match(/^#reset=([^&]+)/);
  return m ? decodeURIComponent(m[1]) : null;
}

function useRender() {
  const [, tick] = useState(0);
  useEffect(() => {
    const again = () => tick((n) => n + 1);
    const off = s.subscribe(again);
    window.addEventListener('popstate', again);
    window.addEventListener('hashchange', again);
    window.addEventListener('courier:navigate', again);
    return () => {
      off();
      window.removeEventListener('popstate', again);
      window.removeEventListener('hashchange', again);
      window.removeEventListener('courier:navigate', again);
    };
  }, []);
}

const CONNECTION = {
  connecting: 'Connecting…',
  online: 'Online',
  reconnecting: 'Offline — reconnecting…',
  offline: 'Offline',
};

function Shell({ onLogout }) {
  const r = route();
  const me = s.state.me;
  const current = r.chatId || null;
  const wide = r.view === 'home' ? 'list' : 'detail';
  let main;
  switch (r.view) {
    case 'chat': main = html`<${Conversation} key=${r.chatId} chatId=${r.chatId} />`; break;
    case 'room': main = html`<${RoomPanel} key=${r.chatId} chatId=${r.chatId} />`; break;
    case 'to': main = html`<${Conversation} key=${`to${r.to}`} to=${r.to} />`; break;
    case 'new': main = html`<${NewChat} />`; break;
    case 'rooms': main = html`<${Rooms} />`; break;
    case 'settings': main = html`<${Settings} onLoggedOut=${onLogout.done} />`; break;
    default: main = html`<section class="panel empty"><p class="muted">Choose a chat, or start a new one.</p></section>`;
  }
  return html`<div class=${`shell show-${wide}`}>
    <header class="top">
      <${Link} href="/app/" class="brand">Courier</${Link}>
      <span class=${`conn ${s.state.connection}`} role="status" aria-label=${`Connection: ${CONNECTION[s.state.connection]}`}>${CONNECTION[s.state.connection]}</span>
      <span class="grow"></span>
      <${Link} href="/app/settings" class="button small" aria-label=${`Settings for ${me.displayName || me.username}`}>${me.displayName || me.username}</${Link}>
      <button type="button" class="small" onClick=${onLogout}>Log out</button>
    </header>
    <${ChatList} current=${current} />
    <main class="main">${main}</main>
    <div class="sr-only" aria-live="polite" aria-atomic="true">${s.state.announcement}</div>
  </div>`;
}

function App() {
  useRender();
  const [phase, setPhase] = useState('loading');
  const [error, setError] = useState('');

  const signedOut = () => {
    s.disconnect();
    setPhase('signedOut');
  };
  const enter = async () => {
    const me = await api.me();
    s.state.me = me;
    s.state.users.set(me.id, me);
    setPhase('in');
    s.connect(signedOut);
    s.loadMutes();
  };
  useEffect(() => {
    api.whenSignedOut(signedOut);
    s.whenDirectChatCreated((id) => navigate(`/app/chats/${id}`, true));
    s.whenChatGone((id, why) => {
      s.announce(why);
      navigate('/app/', true);
    });
    enter().catch((e) => {
      if (e.status === 401) {
        setPhase('signedOut');
      } else {
        setError(e.message);
        setPhase('signedOut');
      }
    });
    if ('serviceWorker' in navigator) {
      // The worker shows pushed messages and opens the chat on a click (registered once signed in too).
      navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {});
    }
  }, []);

  const logout = async () => {
    try {
      // While the session can still call the notifier: this browser stops receiving this user's pushes.
      await push.removeThisBrowser();
    } catch (e) {
      // Push was never on here, or the notifier is down: logging out must still work.
    }
    try {
      await api.logout();
    } finally {
      signedOut();
      navigate('/app/', true);
    }
  };
  logout.done = () => {
    signedOut();
    navigate('/app/', true);
  };

  const verify = verifyToken();
  if (verify) {
    return html`<${VerifyScreen} token=${verify} onDone=${() => navigate('/app/', true)} />`;
  }
  const token = resetToken();
  if (token) {
    return html`<${ResetScreen} token=${token} onDone=${() => {
      signedOut();
      navigate('/app/', true);
    }} />`;
  }
  if (phase === 'loading') {
    return html`<p class="boot">Loading Courier…</p>`;
  }
  if (phase === 'signedOut' || !s.state.me) {
    return html`${error && html`<p class="error" role="alert">${error}</p>`}<${AuthScreen} onLoggedIn=${enter} />`;
  }
  return html`<${Shell} onLogout=${logout} />`;
}

render(html`<${App} />`, document.getElementById('root'));
