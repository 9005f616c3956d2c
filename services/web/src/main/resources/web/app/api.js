// Courier's HTTP API on this origin. The browser carries auth's HttpOnly cookies: courier_access
// (the 15-minute access JWT, sent with every request and the WebSocket upgrade) and courier_refresh
// (30 days, sent only to /api/v1/auth). Page script never stores either: the refresh token that
// login and refresh also return in their bodies is dropped at once, and the access token is kept in
// memory only, to renew the open WebSocket (its `auth` frame).

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.field = problem?.field;
  }
}

let accessToken = null;
let onSignedOut = () => {};

/** Called when a refresh fails: the session is gone (revoked, expired, logged out elsewhere). */
export function whenSignedOut(fn) {
  onSignedOut = fn;
}

export function currentAccessToken() {
  return accessToken;
}

function keep(body) {
  accessToken = body?.accessToken || null;
  return body ? { userId: body.userId, sessionId: body.sessionId, expiresIn: body.expiresIn } : null;
}

async function raw(method, path, body) {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? { Accept: 'application/json' } : { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) {
    return { res, json: null };
  }
  const type = res.headers.get('Content-Type') || '';
  const json = type.includes('json') ? await res.json() : null;
  return { res, json };
}

let refreshing = null;

/**
 * Renews the access cookie with the refresh cookie. Refresh tokens rotate and a spent one revokes
 * the session, so two tabs must never refresh with the same one: a Web Lock makes them take turns,
 * and a tab that finds another has just refreshed uses the new cookie instead of refreshing again.
 */
export function refresh() {
  if (!refreshing) {
    const run = async () => {
      const last = Number(localStorage.getItem('courier.refreshedAt') || 0);
      if (Date.now() - last < 5000 && accessToken) {
        return true;
      }
      // No body: auth then reads the HttpOnly refresh cookie.
      const { res, json } = await raw('POST', '/api/v1/auth/refresh');
      if (!res.ok) {
        return false;
      }
      keep(json);
      localStorage.setItem('courier.refreshedAt', String(Date.now()));
      return true;
    };
    const locked = navigator.locks ? navigator.locks.request('courier-refresh', run) : run();
    refreshing = locked.finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

// Calls that do not use the access cookie: their 401 means a wrong password, not an expired token.
const ANONYMOUS = /^\/api\/v1\/auth\/(login|register|refresh|password\/(forgot|reset))$/;

/** A call with the access cookie; a 401 refreshes once and retries. */
export async function api(method, path, body) {
  let { res, json } = await raw(method, path, body);
  if (res.status === 401 && !ANONYMOUS.test(path)) {
    if (await refresh()) {
      ({ res, json } = await raw(method, path, body));
    }
    if (res.status === 401) {
      onSignedOut();
    }
  }
  if (!res.ok) {
    throw new ApiError(res.status, json);
  }
  return json;
}

export const register = (username, email, password, displayName) =>
  api('POST', '/api/v1/auth/register', { username, email, password, ...(displayName ? { displayName } : {}) });
export const login = async (loginName, password) => keep(await api('POST', '/api/v1/auth/login', { login: loginName, password }));
export const logout = () => api('POST', '/api/v1/auth/logout', {}).finally(() => keep(null));
export const logoutAll = () => api('POST', '/api/v1/auth/logout-all', {}).finally(() => keep(null));
export const sessions = () => api('GET', '/api/v1/auth/sessions');
export const revokeSession = (id) => api('DELETE', `/api/v1/auth/sessions/${encodeURIComponent(id)}`);
export const changePassword = (currentPassword, newPassword) => api('POST', '/api/v1/auth/password/change', { currentPassword, newPassword });
export const forgotPassword = (email) => api('POST', '/api/v1/auth/password/forgot', { email });
export const verifyEmail = (token) => api('POST', '/api/v1/auth/email/verify', { token });
export const resetPassword = (token, newPassword) => api('POST', '/api/v1/auth/password/reset', { token, newPassword });

export const me = () => api('GET', '/api/v1/users/me');
export const setDisplayName = (displayName) => api('PATCH', '/api/v1/users/me', { displayName });
export const user = (id) => api('GET', `/api/v1/users/${id}`);
export const searchUsers = (prefix) => api('GET', `/api/v1/users?prefix=${encodeURIComponent(prefix)}&limit=10`);

export const chats = () => api('GET', '/api/v1/chats?limit=500');
export const history = (chatId, before) =>
  api('GET', `/api/v1/chats/${chatId}/messages?limit=50${before ? `&before=${before}` : ''}`);
export const send = (body) => api('POST', '/api/v1/messages', body);
export const editMessage = (id, text) => api('PATCH', `/api/v1/messages/${id}`, { text });
export const deleteMessage = (id) => api('DELETE', `/api/v1/messages/${id}`);
export const markRead = (chatId, messageId) => api('POST', `/api/v1/chats/${chatId}/read`, { messageId });

export const createRoom = (name, isPrivate) => api('POST', '/api/v1/rooms', { name, isPrivate });
export const publicRooms = () => api('GET', '/api/v1/rooms/public?limit=200');
export const room = (id) => api('GET', `/api/v1/rooms/${id}`);
export const joinRoom = (id) => api('POST', `/api/v1/rooms/${id}/join`);
export const leaveRoom = (id) => api('POST', `/api/v1/rooms/${id}/leave`);
export const renameRoom = (id, name) => api('PATCH', `/api/v1/rooms/${id}`, { name });
export const deleteRoom = (id) => api('DELETE', `/api/v1/rooms/${id}`);
export const invite = (id, userId) => api('POST', `/api/v1/rooms/${id}/members`, { userId });
export const removeMember = (id, userId) => api('DELETE', `/api/v1/rooms/${id}/members/${userId}`);
export const promote = (id, userId) => api('POST', `/api/v1/rooms/${id}/admins`, { userId });
export const demote = (id, userId) => api('DELETE', `/api/v1/rooms/${id}/admins/${userId}`);
export const transfer = (id, userId) => api('POST', `/api/v1/rooms/${id}/owner`, { userId });

export const vapidKey = () => api('GET', '/api/v1/push/vapid-public-key');
export const subscriptions = () => api('GET', '/api/v1/push/subscriptions');
export const addSubscription = (json) => api('POST', '/api/v1/push/subscriptions', json);
export const removeSubscription = (id) => api('DELETE', `/api/v1/push/subscriptions/${id}`);
export const preferences = () => api('GET', '/api/v1/notifications/preferences');
export const savePreferences = (p) => api('PUT', '/api/v1/notifications/preferences', p);
export const mutes = () => api('GET', '/api/v1/notifications/mutes');
export const mute = (chatId, until) => api('PUT', `/api/v1/notifications/mutes/${chatId}`, { until });
export const unmute = (chatId) => api('DELETE', `/api/v1/notifications/mutes/${chatId}`);
