// The bare `ws` room server: the reference Courier's big-room figures are ratios to (issue 20).
// It speaks just enough of Courier's client protocol for DeliveryBench to drive it unchanged:
//   POST /api/v1/rooms                -> 201 {"id", "name", "memberCount"}  (the caller is the first member)
//   POST /api/v1/rooms/{id}/join      -> 200 {"id", "memberCount"}
//   POST /api/v1/chats/{id}/messages  -> 201 the message, fanned out like a socket send
//   GET  /health/live                 -> 200
//   GET  /ws  (Authorization: Bearer <token>) -> a WebSocket; {"type":"send","requestId","conversationId",
//        "clientId","text"} acks the sender with the message, then fans {"type":"message.created","data":{...}} out to
//        every socket of every member (the sender's own included, as Courier does).
// What it leaves out is exactly what the comparison is about: no database, no durability, no
// authentication (a token's JWT "sub" is taken as the user's id, unverified), no resume, no
// replicas. Everything lives in this process's memory; each frame is serialized once per message.
//   node server.js [port=18090]
'use strict';
const http = require('http');
const { WebSocketServer } = require('ws');

const port = Number(process.argv[2] || 18090);
const rooms = new Map();   // room id -> Set of user ids
const sockets = new Map(); // user id -> Set of WebSockets
let nextRoom = 1;
let nextMessage = 1;

function userOf(header) {
  const m = /^Bearer\s+(\S+)$/i.exec(header || '');
  if (!m) return null;
  const parts = m[1].split('.');
  if (parts.length === 3) {
    try {
      const sub = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')).sub;
      if (sub !== undefined) return String(sub);
    } catch (e) {
      // not a JWT: the token itself names the user
    }
  }
  return m[1];
}

function json(res, status, body) {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) });
  res.end(data);
}

function readBody(req, done) {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    try {
      done(chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {});
    } catch (e) {
      done(null);
    }
  });
}

/** Stores nothing; returns the message (or a problem status). */
function post(user, roomId, clientId, text) {
  const members = rooms.get(roomId);
  if (!members) return 404;
  if (!members.has(user)) return 403;
  return { id: nextMessage++, conversationId: roomId, senderId: user, clientId, text, createdAt: new Date().toISOString() };
}

/** Serializes the frame once and writes it to every socket of every member of the room. */
function fanOut(message) {
  const members = rooms.get(message.conversationId);
  const frame = Buffer.from(JSON.stringify({ type: 'message.created', data: message }));
  for (const member of members) {
    const own = sockets.get(member);
    if (own) for (const ws of own) ws.send(frame);
  }
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (req.method === 'GET' && url.pathname === '/health/live') return json(res, 200, { status: 'UP' });
  const user = userOf(req.headers.authorization);
  if (!user) return json(res, 401, { title: 'Unauthorized' });
  let m;
  if (req.method === 'POST' && url.pathname === '/api/v1/rooms') {
    return readBody(req, (body) => {
      const id = nextRoom++;
      rooms.set(id, new Set([user]));
      json(res, 201, { id, name: body && body.name, memberCount: 1 });
    });
  }
  if (req.method === 'POST' && (m = /^\/api\/v1\/rooms\/(\d+)\/join$/.exec(url.pathname))) {
    const members = rooms.get(Number(m[1]));
    if (!members) return json(res, 404, { title: 'Not Found' });
    members.add(user);
    return json(res, 200, { id: Number(m[1]), memberCount: members.size });
  }
  if (req.method === 'POST' && (m = /^\/api\/v1\/chats\/(\d+)\/messages$/.exec(url.pathname))) {
    return readBody(req, (body) => {
      const r = body ? post(user, Number(m[1]), body.clientId, body.text) : 400;
      if (typeof r === 'number') return json(res, r, { status: r });
      json(res, 201, r);
      fanOut(r);
    });
  }
  json(res, 404, { title: 'Not Found' });
});

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
server.on('upgrade', (req, socket, head) => {
  const user = userOf(req.headers.authorization);
  if (!user || new URL(req.url, 'http://x').pathname !== '/ws') {
    socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    let own = sockets.get(user);
    if (!own) sockets.set(user, (own = new Set()));
    own.add(ws);
    ws.on('close', () => {
      own.delete(ws);
      if (own.size === 0) sockets.delete(user);
    });
    ws.on('error', () => ws.terminate());
    ws.on('message', (data) => {
      let f;
      try {
        f = JSON.parse(data.toString('utf8'));
      } catch (e) {
        return ws.send(JSON.stringify({ type: 'error', status: 400, title: 'Bad frame' }));
      }
      if (f.type === 'ping') return ws.send(JSON.stringify({ type: 'pong', requestId: f.requestId }));
      if (f.type !== 'send') return ws.send(JSON.stringify({ type: 'error', requestId: f.requestId, status: 400, title: 'Unknown type' }));
      const r = post(user, Number(f.conversationId), f.clientId, f.text);
      if (typeof r === 'number') return ws.send(JSON.stringify({ type: 'error', requestId: f.requestId, status: r }));
      // The sender's ack first (the cheapest ack a server can give), then the room's copies.
      ws.send(JSON.stringify({ type: 'ack', requestId: f.requestId, result: r }));
      fanOut(r);
    });
  });
});

server.listen(port, '127.0.0.1', () => console.log(`ready ws-reference on 127.0.0.1:${port} pid ${process.pid}`));
process.on('SIGTERM', () => process.exit(0));
