// The WebSocket /ws. Its one contract is messenger's asyncapi.yaml; what this client relies on:
// - The upgrade is authenticated by the courier_access cookie; `ready` starts the stream.
// - Every durable event carries the user's `cursor`. The cursor is OPAQUE and MONOTONIC: the last one
//   received is kept and sent back on reconnect (`?cursor=`) to resume with nothing missing and
//   nothing twice. No arithmetic, no assumption that cursors are consecutive.
// - `token.expiring`: refresh over REST (the cookie rotates) and send the fresh token in an `auth`
//   frame, keeping the socket. Close 4401: refresh and reconnect, or the session is gone.
// - `reconnect` (a node draining) carries the cursor to resume from; `resync` says events were
//   pruned: reload over REST, then go on from its cursor.
import * as api from './api.js';

const DURABLE = new Set(['message.created', 'message.edited', 'message.deleted', 'read',
  'member.joined', 'member.left', 'member.removed', 'member.role', 'room.renamed', 'room.deleted']);

export class Connection {
  /**
   * @param handlers onFrame(frame) for events; onState(state) with 'connecting', 'online',
   *   'offline'; onReady(first) after each `ready` (load or reload state over REST on the first);
   *   onResync() when the server pruned events we missed; onSignedOut() when the session is gone.
   */
  constructor(handlers) {
    this.h = handlers;
    this.cursor = null;
    this.ws = null;
    this.requests = new Map();
    this.attempt = 0;
    this.stopped = false;
    this.readyOnce = false;
    this.timer = null;
    this.heartbeat = null;
    this.seq = 0;
    this.onOnline = () => this.reconnectNow();
    this.onOffline = () => this.drop('offline');
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
  }

  get open() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN && this.ready;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    this.drop('offline');
  }

  connect() {
    if (this.stopped || this.ws) {
      return;
    }
    this.ready = false;
    this.h.onState(this.readyOnce ? 'reconnecting' : 'connecting');
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const query = this.cursor === null ? '' : `?cursor=${encodeURIComponent(this.cursor)}`;
    const ws = new WebSocket(`${scheme}//${location.host}/ws${query}`);
    this.ws = ws;
    ws.onmessage = (e) => this.receive(JSON.parse(e.data));
    ws.onclose = (e) => {
      if (this.ws === ws) {
        this.closed(e.code);
      }
    };
  }

  /** Closes the socket at once (offline, signed out) without waiting for the server. */
  drop(state) {
    const ws = this.ws;
    this.ws = null;
    this.ready = false;
    clearInterval(this.heartbeat);
    if (ws) {
      ws.onclose = null;
      ws.onmessage = null;
      try {
        ws.close();
      } catch (e) {
        // already closed
      }
    }
    this.failRequests('The connection was lost.');
    this.h.onState(state);
  }

  reconnectNow() {
    clearTimeout(this.timer);
    this.attempt = 0;
    if (!this.ws) {
      this.connect();
    }
  }

  async closed(code) {
    this.ws = null;
    this.ready = false;
    clearInterval(this.heartbeat);
    this.failRequests('The connection was lost.');
    if (this.stopped) {
      return;
    }
    this.h.onState('reconnecting');
    if (code === 4401) {
      // The token expired or the session was revoked: a refresh tells which.
      if (!(await api.refresh())) {
        this.stopped = true;
        this.h.onSignedOut();
        return;
      }
      this.attempt = 0;
    }
    // 1012 (a node draining) comes after `reconnect`: go at once, to any other node.
    const delay = code === 1012 || code === 4401 ? 0 : Math.min(10000, 500 * 2 ** this.attempt) * (0.5 + Math.random() / 2);
    this.attempt += 1;
    this.timer = setTimeout(() => this.connect(), navigator.onLine === false ? 1000 : delay);
  }

  failRequests(reason) {
    for (const { reject } of this.requests.values()) {
      reject(Object.assign(new Error(reason), { retry: true }));
    }
    this.requests.clear();
  }

  receive(f) {
    if (f.cursor !== undefined && f.cursor !== null && (DURABLE.has(f.type) || f.type === 'ready' || f.type === 'resync' || f.type === 'reconnect')) {
      this.cursor = f.cursor;
    }
    switch (f.type) {
      case 'ready': {
        this.ready = true;
        this.attempt = 0;
        const first = !this.readyOnce;
        this.readyOnce = true;
        this.h.onState('online');
        clearInterval(this.heartbeat);
        // A dead network often closes nothing: a ping unanswered for 10 s means the socket is gone.
        this.heartbeat = setInterval(() => this.ping(), 20000);
        this.h.onReady(first);
        break;
      }
      case 'ack':
      case 'error':
      case 'pong': {
        const pending = this.requests.get(f.requestId);
        if (pending) {
          this.requests.delete(f.requestId);
          if (f.type === 'error') {
            pending.reject(Object.assign(new Error(f.detail || f.title || 'Refused'), { status: f.status, field: f.field }));
          } else {
            pending.resolve(f.result ?? f);
          }
        }
        break;
      }
      case 'token.expiring':
        this.renew();
        break;
      case 'resync':
        this.h.onResync();
        break;
      case 'revoked':
        this.stopped = true;
        this.h.onSignedOut();
        break;
      case 'reconnect':
        // The close (1012) follows; `closed` reconnects with the cursor just kept.
        break;
      default:
        this.h.onFrame(f);
    }
  }

  async renew() {
    if (await api.refresh()) {
      const token = api.currentAccessToken();
      if (token && this.open) {
        this.request({ type: 'auth', token }).catch(() => {
          // Refused: at expiry the socket closes with 4401 and reconnects with the new cookie.
        });
      }
    }
  }

  ping() {
    if (!this.open) {
      return;
    }
    const ws = this.ws;
    const timeout = setTimeout(() => {
      if (this.ws === ws) {
        this.ws = null;
        ws.onclose = null;
        ws.close();
        this.closed(1006);
      }
    }, 10000);
    this.request({ type: 'ping' }).then(() => clearTimeout(timeout), () => clearTimeout(timeout));
  }

  /** Sends a command; resolves with its ack's result, rejects on its error frame or a lost socket. */
  request(frame) {
    if (!this.open) {
      return Promise.reject(Object.assign(new Error('Not connected.'), { retry: true }));
    }
    const requestId = frame.requestId || `r${++this.seq}`;
    return new Promise((resolve, reject) => {
      this.requests.set(requestId, { resolve, reject });
      this.ws.send(JSON.stringify({ ...frame, requestId }));
    });
  }

  /** Fire and forget (typing). */
  tell(frame) {
    if (this.open) {
      this.ws.send(JSON.stringify(frame));
    }
  }
}
