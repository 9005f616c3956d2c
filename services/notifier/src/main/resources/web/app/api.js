// Calls to Courier's HTTP API on this origin. The access token travels in the HttpOnly cookie auth sets at login.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.field = problem?.field;
  }
}

export async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) {
    return null;
  }
  const type = res.headers.get('Content-Type') || '';
  const json = type.includes('json') ? await res.json() : null;
  if (!res.ok) {
    throw new ApiError(res.status, json);
  }
  return json;
}

export const login = (loginName, password) => api('POST', '/api/v1/auth/login', { login: loginName, password });
export const logout = () => api('POST', '/api/v1/auth/logout', {});
export const vapidKey = () => api('GET', '/api/v1/push/vapid-public-key');
export const subscriptions = () => api('GET', '/api/v1/push/subscriptions');
export const addSubscription = (json) => api('POST', '/api/v1/push/subscriptions', json);
export const removeSubscription = (id) => api('DELETE', `/api/v1/push/subscriptions/${id}`);
export const preferences = () => api('GET', '/api/v1/notifications/preferences');
export const savePreferences = (p) => api('PUT', '/api/v1/notifications/preferences', p);
