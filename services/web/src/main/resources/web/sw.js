// Courier's service worker: shows pushed messages as notifications and opens the chat on click.
'use strict';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (e) {
    data = { title: 'Courier', body: event.data ? event.data.text() : '' };
  }
  const title = data.title || 'Courier';
  event.waitUntil(self.registration.showNotification(title, {
    body: data.body || 'New message',
    // One notification per chat: a newer message replaces the older one.
    tag: data.tag,
    renotify: !!data.tag,
    data: { url: data.url || '/', chatId: data.chatId, messageId: data.messageId },
  }));
});

/** Focuses a window of ours on the chat, or opens one. */
async function openChat(url) {
  const target = new URL(url, self.location.origin).href;
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  for (const client of windows) {
    if (new URL(client.url).origin === self.location.origin) {
      const navigated = client.url === target ? client : await client.navigate(target);
      if (navigated) {
        try {
          await navigated.focus();
        } catch (e) {
          // Focus needs the click's user activation; the navigation already happened.
        }
        return;
      }
    }
  }
  await self.clients.openWindow(target);
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || '/';
  event.waitUntil(openChat(url));
});
