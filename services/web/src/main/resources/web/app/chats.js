// The chat list, the conversation, starting a direct chat, creating and joining rooms.
import { html, useState, useEffect, useRef, useLayoutEffect } from './lib.js';
import * as api from './api.js';
import * as s from './state.js';
import { Link, Form, Field, navigate, when, attempt } from './ui.js';

export function ChatList({ current }) {
  const chats = s.sortedChats();
  return html`<nav class="chatlist" aria-label="Chats">
    <div class="row actions">
      <${Link} class="button" href="/app/new">New chat</${Link}>
      <${Link} class="button" href="/app/rooms">Rooms</${Link}>
    </div>
    ${chats.length === 0 && html`<p class="muted">No chats yet. Start one with “New chat”, or join a room.</p>`}
    <ul>
      ${chats.map((c) => {
        const last = c.lastMessage;
        const preview = !last ? '' : last.deleted ? 'Message deleted' : `${last.senderId === s.state.me.id ? 'You: ' : ''}${last.text ?? 'Encrypted message'}`;
        const title = s.chatTitle(c);
        return html`<li key=${c.id}>
          <${Link} href=${`/app/chats/${c.id}`} class=${c.id === current ? 'chat current' : 'chat'}
              aria-current=${c.id === current ? 'page' : undefined}>
            <span class="name">${c.kind === 'room' ? '# ' : ''}${title}${c.unread > 0 ? html`<span class="sr-only">, ${c.unread} unread</span>` : ''}${c.kind === 'direct' && s.state.online.has(c.palId) ? html` <span class="dot" title="online">●</span>` : ''}</span>
            <span class="time">${when(c.lastActivityAt)}</span>
            <span class="preview">${preview}</span>
            ${c.unread > 0 && html`<span class="badge" aria-hidden="true">${c.unread}</span>`}
          </${Link}>
        </li>`;
      })}
    </ul>
  </nav>`;
}

/** A person search; `pick(user)` is called with the chosen public profile. */
export function UserSearch({ label, pick, exclude = [] }) {
  const [q, setQ] = useState('');
  const [found, setFound] = useState([]);
  const [error, setError] = useState('');
  useEffect(() => {
    if (q.trim().length === 0) {
      setFound([]);
      return undefined;
    }
    const t = setTimeout(() => {
      api.searchUsers(q.trim()).then((list) => {
        list.forEach((u) => s.state.users.set(u.id, u));
        setFound(list.filter((u) => !exclude.includes(u.id)));
        setError('');
      }, (e) => setError(e.message));
    }, 200);
    return () => clearTimeout(t);
  }, [q]);
  return html`<div class="search">
    <label class="field"><span>${label}</span>
      <input type="search" value=${q} onInput=${(e) => setQ(e.currentTarget.value)} autocomplete="off" /></label>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    <ul class="results" aria-label="People found">
      ${found.map((u) => html`<li key=${u.id}><button type="button" onClick=${() => { setQ(''); pick(u); }}>
        ${u.displayName || u.username} <span class="muted">@${u.username}</span></button></li>`)}
    </ul>
  </div>`;
}

export function NewChat() {
  const start = (u) => {
    const existing = [...s.state.chats.values()].find((c) => c.kind === 'direct' && c.palId === u.id);
    navigate(existing ? `/app/chats/${existing.id}` : `/app/to/${u.id}`);
  };
  return html`<section class="panel" aria-labelledby="new-h">
    <h2 id="new-h">New chat</h2>
    <${UserSearch} label="Find people by name" pick=${start} exclude=${[s.state.me.id]} />
  </section>`;
}

export function Rooms() {
  const [rooms, setRooms] = useState(null);
  const [error, setError] = useState('');
  const load = () => api.publicRooms().then(setRooms, (e) => setError(e.message));
  useEffect(() => { load(); }, []);
  const join = (r) => attempt(async () => {
    await api.joinRoom(r.id);
    await s.loadChats();
    navigate(`/app/chats/${r.id}`);
  }, setError);
  return html`<section class="panel" aria-labelledby="rooms-h">
    <h2 id="rooms-h">Rooms</h2>
    <h3>Create a room</h3>
    <${Form} label="Create a room" submit="Create room" action=${async (v) => {
      const room = await api.createRoom(v.name, v.isPrivate === 'on');
      await s.loadChats();
      navigate(`/app/chats/${room.id}`);
    }}>
      <${Field} label="Room name" name="name" required maxlength="64" />
      <label class="check"><input type="checkbox" name="isPrivate" /> Private (invitation only)</label>
    </${Form}>
    <h3>Public rooms</h3>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    ${rooms === null ? html`<p class="muted">Loading…</p>` : html`<ul class="rooms">
      ${rooms.length === 0 && html`<li class="muted">No public rooms yet.</li>`}
      ${rooms.map((r) => html`<li key=${r.id}><span># ${r.name}</span>
        ${s.state.chats.has(r.id)
          ? html`<${Link} href=${`/app/chats/${r.id}`}>Open</${Link}>`
          : html`<button type="button" onClick=${() => join(r)} aria-label=${`Join ${r.name}`}>Join</button>`}
      </li>`)}
    </ul>`}
  </section>`;
}

function Message({ m, chat, mine, seen, editing, setEditing }) {
  const [error, setError] = useState('');
  const pending = m.status === 'pending';
  const failed = m.status === 'failed';
  const status = failed ? 'Not sent' : pending ? 'Sending…' : !mine ? '' : seen ? 'Seen' : 'Sent';
  return html`<li class=${`msg${mine ? ' mine' : ''}${pending ? ' pending' : ''}${failed ? ' failed' : ''}`}
      data-message-id=${m.id} data-client-id=${m.clientId}>
    ${chat.kind === 'room' && !mine && html`<span class="from">${s.userName(m.senderId)}</span>`}
    ${editing
      ? html`<form class="edit" aria-label="Edit message" onSubmit=${async (e) => {
          e.preventDefault();
          const text = new FormData(e.currentTarget).get('text');
          if (await attempt(() => api.editMessage(m.id, text).then((u) => s.state.history.has(chat.id) && u), setError)) {
            setEditing(null);
          }
        }}>
          <label class="field"><span class="sr-only">Edited text</span><input name="text" defaultValue=${m.text} required maxlength="4000" /></label>
          <button type="submit">Save</button><button type="button" onClick=${() => setEditing(null)}>Cancel</button>
        </form>`
      : html`<p class="text">${m.deleted ? html`<em>Message deleted</em>` : m.text ?? html`<em>Encrypted message</em>`}</p>`}
    <span class="meta">
      <time datetime=${m.createdAt}>${when(m.createdAt)}</time>
      ${m.editedAt && !m.deleted && ' · edited'}
      ${status && html` · <span class="status">${status}</span>`}
      ${m.processed && html` · <span title="Counted by the stats service" aria-label="counted">✓</span>`}
    </span>
    ${failed && html`<span class="row"><span class="error">${m.error}</span>
      <button type="button" onClick=${() => s.retry(m.clientId)}>Retry</button>
      <button type="button" onClick=${() => s.discard(m.clientId)}>Discard</button></span>`}
    ${mine && m.id && !m.deleted && !editing && html`<span class="row tools">
      <button type="button" class="small" onClick=${() => setEditing(m.id)} aria-label="Edit message">Edit</button>
      <button type="button" class="small" onClick=${() => attempt(() => api.deleteMessage(m.id), setError)} aria-label="Delete message">Delete</button>
    </span>`}
    ${error && html`<p class="error" role="alert">${error}</p>`}
  </li>`;
}

/** A direct chat or a room; `to` instead of `chatId` is a first message to a person. */
export function Conversation({ chatId, to }) {
  const chat = chatId ? s.state.chats.get(chatId) : { id: null, kind: 'direct', palId: to };
  const list = useRef(null);
  const stick = useRef(true);
  const before = useRef(null);
  const [editing, setEditing] = useState(null);
  const [error, setError] = useState('');
  const h = chatId ? s.state.history.get(chatId) : null;

  useEffect(() => {
    s.state.openChat = chatId;
    stick.current = true;
    if (chatId && !s.state.history.get(chatId)?.loaded) {
      s.loadHistory(chatId).catch((e) => setError(e.message));
    }
    const visible = () => chatId && s.markRead(chatId);
    document.addEventListener('visibilitychange', visible);
    return () => {
      document.removeEventListener('visibilitychange', visible);
      s.state.openChat = null;
    };
  }, [chatId]);

  // A history load that failed while offline (a first message's chat opened before the socket was
  // back) is tried again once the connection is.
  const connection = s.state.connection;
  const wasOnline = useRef(connection === 'online');
  useEffect(() => {
    const back = connection === 'online' && !wasOnline.current;
    wasOnline.current = connection === 'online';
    if (back && chatId && !s.state.history.get(chatId)?.loaded) {
      setError('');
      s.loadHistory(chatId).catch((e) => setError(e.message));
    }
  }, [connection]);

  useEffect(() => {
    if (chatId && h?.loaded) {
      s.markRead(chatId);
    }
  }, [chatId, h?.list.length]);

  const pending = [...s.state.pending.values()].filter((p) => (chatId ? p.conversationId === chatId : p.toUserId === to));
  const messages = [...(h?.list || []), ...pending];

  // Keep the view at the bottom for new messages, and in place when older ones are put above.
  useLayoutEffect(() => {
    const el = list.current;
    if (!el) {
      return;
    }
    if (before.current !== null) {
      el.scrollTop = el.scrollHeight - before.current;
      before.current = null;
    } else if (stick.current) {
      el.scrollTop = el.scrollHeight;
    }
  });

  const older = () => {
    if (!h?.nextBefore) {
      return;
    }
    before.current = list.current.scrollHeight - list.current.scrollTop;
    s.loadHistory(chatId, true).catch((e) => setError(e.message));
  };
  const onScroll = (e) => {
    const el = e.currentTarget;
    stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    if (el.scrollTop < 80 && h?.nextBefore && before.current === null) {
      older();
    }
  };

  if (chatId && !chat) {
    return html`<section class="conversation"><p class="muted">This chat is not in your list.</p></section>`;
  }
  const title = s.chatTitle(chat);
  const typers = chatId ? s.typingIn(chatId) : [];
  const readers = chatId ? s.state.readers.get(chatId) : null;
  const seenUpTo = chat.kind === 'direct' && readers ? readers.get(chat.palId) || 0 : 0;
  const muted = chatId && s.state.mutes.has(chatId);

  const submit = (e) => {
    e.preventDefault();
    const input = e.currentTarget.elements.text;
    const text = input.value.trim();
    if (!text) {
      return;
    }
    input.value = '';
    stick.current = true;
    s.send(chatId ? { conversationId: chatId } : { toUserId: to }, text);
  };
  const keydown = (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      e.currentTarget.form.requestSubmit();
    }
  };
  const toggleMute = () => attempt(async () => {
    if (muted) {
      await api.unmute(chatId);
    } else {
      await api.mute(chatId, new Date(Date.now() + 365 * 86400000).toISOString());
    }
    await s.loadMutes();
  }, setError);

  return html`<section class="conversation" aria-labelledby="conv-h">
    <header class="conv-head">
      <${Link} href="/app/" class="back" aria-label="Back to chats">←</${Link}>
      <div>
        <h2 id="conv-h">${chat.kind === 'room' ? '# ' : ''}${title}</h2>
        <p class="muted small" aria-live="polite">${typers.length
          ? `${typers.map(s.userName).join(', ')} ${typers.length === 1 ? 'is' : 'are'} typing…`
          : chat.kind === 'direct' && s.state.online.has(chat.palId) ? 'online' : ''}</p>
      </div>
      <div class="row">
        ${chatId && html`<button type="button" class="small" aria-pressed=${muted} onClick=${toggleMute}>${muted ? 'Unmute' : 'Mute'}</button>`}
        ${chat.kind === 'room' && html`<${Link} class="button small" href=${`/app/chats/${chatId}/room`}>Room settings</${Link}>`}
      </div>
    </header>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    <div class="messages" ref=${list} onScroll=${onScroll} tabindex="0" aria-label=${`Messages with ${title}`}>
      ${h?.nextBefore && html`<button type="button" class="small older" onClick=${older}>Load older messages</button>`}
      ${chatId && !h?.loaded && html`<p class="muted">Loading…</p>`}
      ${h?.loaded && messages.length === 0 && html`<p class="muted">No messages yet. Say hello.</p>`}
      <ol class="log">
        ${messages.map((m) => html`<${Message} key=${m.id || m.clientId} m=${m} chat=${chat}
            mine=${m.senderId === s.state.me.id || !!m.status} seen=${m.id && m.id <= seenUpTo}
            editing=${editing === m.id} setEditing=${setEditing} />`)}
      </ol>
    </div>
    <form class="composer" aria-label="Send a message" onSubmit=${submit}>
      <label class="field grow"><span class="sr-only">Message</span>
        <textarea name="text" rows="1" maxlength="4000" placeholder="Message" aria-label="Message"
          onKeyDown=${keydown} onInput=${() => chatId && s.typing(chatId)}></textarea></label>
      <button type="submit">Send</button>
    </form>
  </section>`;
}
