// The app's state and everything that changes it: REST loads, socket events, sends with pending →
// acked by clientId. Views read `state` and re-render on `subscribe`.
import * as api from './api.js';
import { Connection } from './socket.js';

export const state = {
  me: null,
  users: new Map(),
  chats: new Map(),
  // chatId -> { list: messages by id ascending, nextBefore, loaded }
  history: new Map(),
  // clientId -> { clientId, conversationId | toUserId, text, status: 'pending' | 'failed', error }
  pending: new Map(),
  connection: 'offline',
  online: new Set(),
  typing: new Map(),
  // chatId -> Map(userId -> messageId): the other members' read markers that this session saw
  readers: new Map(),
  mutes: new Map(),
  openChat: null,
  announcement: '',
};

const listeners = new Set();
let scheduled = false;

export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Re-renders once per frame however many changes came in (a resume can replay hundreds). */
export function changed() {
  if (!scheduled) {
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      listeners.forEach((fn) => fn());
    });
  }
}

export function announce(text) {
  state.announcement = text;
  changed();
}

// ---- users

const loading = new Set();

/** The profile of a user, fetched once. */
export async function ensureUser(id) {
  if (!state.users.has(id)) {
    state.users.set(id, await api.user(id));
  }
  return state.users.get(id);
}

export function userName(id) {
  if (id === state.me?.id) {
    return 'You';
  }
  const u = state.users.get(id);
  if (u) {
    return u.displayName || u.username;
  }
  if (!loading.has(id)) {
    loading.add(id);
    api.user(id).then((p) => {
      state.users.set(id, p);
      changed();
    }, () => {}).finally(() => loading.delete(id));
  }
  return `User ${id}`;
}

export function chatTitle(chat) {
  if (!chat) {
    return '';
  }
  return chat.kind === 'direct' ? userName(chat.palId) : chat.name;
}

// ---- chats and history

export function sortedChats() {
  return [...state.chats.values()].sort((a, b) =>
    (b.lastActivityAt || '').localeCompare(a.lastActivityAt || '') || b.id - a.id);
}

export async function loadChats() {
  const list = await api.chats();
  state.chats = new Map(list.map((c) => [c.id, c]));
  changed();
}

export async function loadMutes() {
  try {
    const { mutes } = await api.mutes();
    state.mutes = new Map(mutes.map((m) => [m.chatId, m.until]));
    changed();
  } catch (e) {
    // Notifications are optional: the chats work without the notifier.
  }
}

function merge(chatId, messages) {
  const h = state.history.get(chatId) || { list: [], nextBefore: null, loaded: false };
  const byId = new Map(h.list.map((m) => [m.id, m]));
  for (const m of messages) {
    const old = byId.get(m.id);
    // An edit or delete that came first is newer than a page of history read before it.
    if (!old || (m.editedAt || '') >= (old.editedAt || '') || m.deleted) {
      byId.set(m.id, old && old.deleted && !m.deleted ? old : m);
    }
  }
  h.list = [...byId.values()].sort((a, b) => a.id - b.id);
  state.history.set(chatId, h);
  return h;
}

export async function loadHistory(chatId, older) {
  const h = state.history.get(chatId);
  const before = older ? h?.nextBefore : undefined;
  if (older && !before) {
    return;
  }
  const page = await api.history(chatId, before);
  const merged = merge(chatId, page.messages);
  if (older || !merged.loaded) {
    merged.nextBefore = page.nextBefore ?? null;
  }
  merged.loaded = true;
  changed();
}

/** After a resync or a first connect: everything the socket may not replay is reloaded. */
async function reloadAll() {
  await loadChats();
  const open = state.openChat;
  state.history = new Map();
  if (open && state.chats.has(open)) {
    await loadHistory(open);
  }
}

// ---- reading

export function markRead(chatId) {
  const chat = state.chats.get(chatId);
  const h = state.history.get(chatId);
  if (!chat || !h || h.list.length === 0 || document.hidden) {
    return;
  }
  const last = h.list[h.list.length - 1];
  if (chat.unread > 0 || (chat.lastReadMessageId || 0) < last.id) {
    chat.unread = 0;
    chat.lastReadMessageId = last.id;
    changed();
    const frame = { type: 'read', conversationId: chatId, messageId: last.id };
    (conn?.open ? conn.request(frame) : api.markRead(chatId, last.id)).catch(() => {});
  }
}

// ---- sending

function newClientId() {
  return `web-${crypto.randomUUID()}`;
}

/** Shows the message at once as pending; the ack (matched by clientId) replaces it. */
export function send(target, text) {
  const p = { clientId: newClientId(), ...target, text, status: 'pending', createdAt: new Date().toISOString() };
  state.pending.set(p.clientId, p);
  changed();
  transmit(p);
  return p;
}

async function transmit(p) {
  const body = { clientId: p.clientId, text: p.text };
  if (p.conversationId) {
    body.conversationId = p.conversationId;
  } else {
    body.toUserId = p.toUserId;
  }
  try {
    // The socket when it is up, else REST; the same clientId makes a retry return the first answer.
    const message = conn?.open ? await conn.request({ type: 'send', ...body }) : await api.send(body);
    acked(message);
  } catch (e) {
    if (e.retry || e instanceof TypeError) {
      // Lost connection or network error: stays pending and is sent again after reconnecting.
      return;
    }
    p.status = 'failed';
    p.error = e.message;
    changed();
  }
}

export function retry(clientId) {
  const p = state.pending.get(clientId);
  if (p) {
    p.status = 'pending';
    p.error = null;
    changed();
    transmit(p);
  }
}

export function discard(clientId) {
  state.pending.delete(clientId);
  changed();
}

function acked(message) {
  created(message.conversationId, message, null);
}

/** The ack or the event, whichever comes first, confirms a pending message. */
function settle(message) {
  const p = message.clientId ? state.pending.get(message.clientId) : null;
  if (p) {
    state.pending.delete(message.clientId);
    if (!p.conversationId && onNewDirectChat) {
      // The first message to someone created the chat: the view moves to its address.
      onNewDirectChat(message.conversationId);
    }
  }
}

let onNewDirectChat = null;
export function whenDirectChatCreated(fn) {
  onNewDirectChat = fn;
}

function resendPending() {
  for (const p of state.pending.values()) {
    if (p.status === 'pending') {
      transmit(p);
    }
  }
}

// ---- events

function created(chatId, message, kind) {
  const h = state.history.get(chatId);
  const known = h?.list.some((m) => m.id === message.id);
  if (h) {
    merge(chatId, [message]);
  }
  settle(message);
  const chat = state.chats.get(chatId);
  if (!chat) {
    // A chat we did not know yet (a first direct message, an invitation): the list has its name.
    loadChats().then(() => kind && message.senderId !== state.me?.id && announceMessage(chatId, message), () => {});
    return;
  }
  if (!chat.lastMessage || chat.lastMessage.id <= message.id) {
    chat.lastMessage = message;
    chat.lastActivityAt = message.createdAt;
  }
  if (!known && message.senderId !== state.me.id) {
    if (state.openChat === chatId && !document.hidden) {
      markRead(chatId);
    } else if (message.id > (chat.lastReadMessageId || 0)) {
      chat.unread = (chat.unread || 0) + 1;
    }
    if (kind) {
      announceMessage(chatId, message);
    }
  }
  changed();
}

/** New messages are read out by screen readers (the live region in the shell). */
async function announceMessage(chatId, message) {
  await ensureUser(message.senderId).catch(() => {});
  const chat = state.chats.get(chatId);
  const where = chat?.kind === 'room' ? ` in ${chat.name}` : '';
  announce(`${userName(message.senderId)}${where}: ${message.deleted ? 'deleted message' : message.text ?? 'encrypted message'}`);
}

function updated(chatId, message) {
  merge(chatId, [message]);
  const chat = state.chats.get(chatId);
  if (chat?.lastMessage?.id === message.id) {
    chat.lastMessage = message;
  }
  changed();
}

function removeChat(chatId, why) {
  state.chats.delete(chatId);
  state.history.delete(chatId);
  // Its conversation or its room settings may be open.
  if (new RegExp(`^/app/chats/${chatId}(/|$)`).test(location.pathname) && onChatGone) {
    onChatGone(chatId, why);
  }
  changed();
}

let onChatGone = null;
export function whenChatGone(fn) {
  onChatGone = fn;
}

let roomListeners = new Set();
export function onRoomChange(fn) {
  roomListeners.add(fn);
  return () => roomListeners.delete(fn);
}

function handle(f) {
  switch (f.type) {
    case 'message.created':
      created(f.conversationId, f.message, f.conversationKind || 'event');
      break;
    case 'message.edited':
    case 'message.deleted':
      updated(f.conversationId, f.message);
      break;
    case 'read': {
      if (f.userId === state.me.id) {
        const chat = state.chats.get(f.conversationId);
        if (chat && f.messageId >= (chat.lastReadMessageId || 0)) {
          chat.lastReadMessageId = f.messageId;
          chat.unread = 0;
        }
      } else {
        const r = state.readers.get(f.conversationId) || new Map();
        r.set(f.userId, Math.max(r.get(f.userId) || 0, f.messageId));
        state.readers.set(f.conversationId, r);
      }
      changed();
      break;
    }
    case 'member.left':
    case 'member.removed':
      if (f.userId === state.me.id) {
        removeChat(f.conversationId, f.type === 'member.removed' ? 'You were removed from the room.' : 'You left the room.');
      }
      roomListeners.forEach((fn) => fn(f.conversationId));
      break;
    case 'member.joined':
    case 'member.role':
      if (f.userId === state.me.id && !state.chats.has(f.conversationId)) {
        loadChats().catch(() => {});
      }
      roomListeners.forEach((fn) => fn(f.conversationId));
      break;
    case 'room.renamed': {
      const chat = state.chats.get(f.conversationId);
      if (chat) {
        chat.name = f.name;
      }
      roomListeners.forEach((fn) => fn(f.conversationId));
      changed();
      break;
    }
    case 'room.deleted':
      removeChat(f.conversationId, `The room ${f.name || ''} was deleted.`);
      break;
    case 'typing': {
      if (f.userId !== state.me.id) {
        const t = state.typing.get(f.conversationId) || new Map();
        t.set(f.userId, Date.now() + 4000);
        state.typing.set(f.conversationId, t);
        setTimeout(changed, 4100);
        changed();
      }
      break;
    }
    case 'presence':
      if (f.online) {
        state.online.add(f.userId);
      } else {
        state.online.delete(f.userId);
      }
      changed();
      break;
    default:
      break;
  }
}

export function typingIn(chatId) {
  const t = state.typing.get(chatId);
  if (!t) {
    return [];
  }
  const now = Date.now();
  return [...t.entries()].filter(([, until]) => until > now).map(([id]) => id);
}

let lastTyping = 0;
export function typing(chatId) {
  if (Date.now() - lastTyping > 2000) {
    lastTyping = Date.now();
    conn?.tell({ type: 'typing', conversationId: chatId });
  }
}

// ---- session

let conn = null;

export function connect(onSignedOut) {
  conn = new Connection({
    onFrame: handle,
    onState: (s) => {
      state.connection = s;
      changed();
    },
    onReady: (first) => {
      (first ? reloadAll() : Promise.resolve()).catch(() => {}).finally(resendPending);
    },
    onResync: () => {
      announce('Catching up…');
      reloadAll().catch(() => {});
    },
    onSignedOut,
  });
  conn.start();
}

export function disconnect() {
  conn?.stop();
  conn = null;
  Object.assign(state, {
    me: null, chats: new Map(), history: new Map(), pending: new Map(), readers: new Map(),
    typing: new Map(), online: new Set(), mutes: new Map(), openChat: null, connection: 'offline',
  });
  changed();
}
