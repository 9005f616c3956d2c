// A room's members and administration: each action is offered only where the role allows it, and
// the API's refusal is shown as it comes.
import { html, useState, useEffect } from './lib.js';
import * as api from './api.js';
import * as s from './state.js';
import { Link, Form, Field, navigate, attempt } from './ui.js';
import { UserSearch } from './chats.js';

const RANK = { owner: 3, admin: 2, member: 1 };

export function RoomPanel({ chatId }) {
  const [room, setRoom] = useState(null);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const load = () => api.room(chatId).then((r) => {
    setRoom(r);
    r.members.forEach((m) => s.userName(m.userId));
  }, (e) => setError(e.message));
  useEffect(() => {
    load();
    return s.onRoomChange((id) => id === chatId && load());
  }, [chatId]);

  if (!room) {
    return html`<section class="panel"><h2>Room</h2>${error ? html`<p class="error" role="alert">${error}</p>` : html`<p class="muted">Loading…</p>`}</section>`;
  }
  const me = s.state.me.id;
  const myRole = room.members.find((m) => m.userId === me)?.role || 'member';
  const admin = RANK[myRole] >= RANK.admin;
  const owner = myRole === 'owner';
  const act = (what, fn) => attempt(async () => {
    setError('');
    const r = await fn();
    setNotice(what);
    if (r && r.members) {
      setRoom(r);
    } else {
      await load();
    }
  }, setError);
  const members = [...room.members].sort((a, b) => RANK[b.role] - RANK[a.role] || a.userId - b.userId);

  return html`<section class="panel room" aria-labelledby="room-h">
    <header class="conv-head">
      <${Link} href=${`/app/chats/${chatId}`} class="back always" aria-label="Back to the conversation">←</${Link}>
      <h2 id="room-h"># ${room.name}</h2>
    </header>
    <p class="muted">${room.isPrivate ? 'Private room: members join by invitation.' : 'Public room: anyone can join.'} You are ${myRole === 'owner' ? 'the owner' : myRole === 'admin' ? 'an admin' : 'a member'}.</p>
    ${notice && html`<p class="notice" role="status">${notice}</p>`}
    ${error && html`<p class="error" role="alert">${error}</p>`}
    <h3>Members (${members.length})</h3>
    <ul class="members">
      ${members.map((m) => {
        const name = s.userName(m.userId);
        const self = m.userId === me;
        return html`<li key=${m.userId}>
          <span>${name} <span class="role">${m.role}</span></span>
          <span class="row">
            ${!self && m.role !== 'owner' && (owner || (admin && m.role === 'member')) && html`<button type="button" class="small"
                aria-label=${`Remove ${name}`} onClick=${() => act(`${name} was removed.`, () => api.removeMember(chatId, m.userId))}>Remove</button>`}
            ${owner && m.role === 'member' && html`<button type="button" class="small"
                aria-label=${`Make admin: ${name}`} onClick=${() => act(`${name} is now an admin.`, () => api.promote(chatId, m.userId))}>Make admin</button>`}
            ${owner && m.role === 'admin' && html`<button type="button" class="small"
                aria-label=${`Remove admin: ${name}`} onClick=${() => act(`${name} is now a member.`, () => api.demote(chatId, m.userId))}>Remove admin</button>`}
            ${owner && !self && html`<button type="button" class="small"
                aria-label=${`Make owner: ${name}`} onClick=${() => confirm(`Make ${name} the owner? You become an admin.`)
                  && act(`${name} is now the owner.`, () => api.transfer(chatId, m.userId))}>Make owner</button>`}
          </span>
        </li>`;
      })}
    </ul>
    ${admin && html`<h3>Invite</h3>
      <${UserSearch} label="Invite people by name" exclude=${room.members.map((m) => m.userId)}
        pick=${(u) => act(`${u.displayName || u.username} was invited.`, () => api.invite(chatId, u.id))} />`}
    ${admin && html`<h3>Rename</h3>
      <${Form} label="Rename the room" submit="Rename" action=${async (v) => {
        await api.renameRoom(chatId, v.name);
        setNotice('Renamed.');
        await load();
      }}>
        <${Field} label="New name" name="name" required maxlength="64" defaultValue=${room.name} />
      </${Form}>`}
    <h3>Leave${owner ? ' or delete' : ''}</h3>
    <div class="row">
      <button type="button" onClick=${() => attempt(async () => {
        await api.leaveRoom(chatId);
        s.state.chats.delete(chatId);
        s.changed();
        navigate('/app/');
      }, setError)}>Leave room</button>
      ${owner && html`<button type="button" class="danger" onClick=${() => confirm(`Delete ${room.name} for everyone?`) && attempt(async () => {
        await api.deleteRoom(chatId);
        s.state.chats.delete(chatId);
        s.changed();
        navigate('/app/');
      }, setError)}>Delete room</button>`}
    </div>
  </section>`;
}
