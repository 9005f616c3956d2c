// Web Push in the browser: the service worker, the subscription, and telling the notifier about it.
import * as api from './api.js';

export function supported() {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

function base64UrlToBytes(s) {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

export async function registration() {
  await navigator.serviceWorker.register('/sw.js', { scope: '/', type: 'classic' });
  return navigator.serviceWorker.ready;
}

export async function current() {
  const reg = await registration();
  return reg.pushManager.getSubscription();
}

/** Asks for permission, subscribes with the notifier's VAPID key and stores the subscription. */
export async function enable() {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') {
    throw new Error('Notifications are blocked for this site.');
  }
  const reg = await registration();
  const { publicKey } = await api.vapidKey();
  const sub = await reg.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: base64UrlToBytes(publicKey),
  });
  await api.addSubscription(sub.toJSON());
  return sub;
}

/** Removes the subscription from the notifier, then from the browser. */
export async function disable() {
  const sub = await current();
  if (!sub) {
    return;
  }
  const { subscriptions } = await api.subscriptions();
  const mine = subscriptions.find((s) => s.endpoint === sub.endpoint);
  if (mine) {
    await api.removeSubscription(mine.id);
  }
  await sub.unsubscribe();
}

/**
 * On logout: this browser's subscription is removed from the notifier (while the session can still
 * call it) and from the browser, so the next person at this computer gets no one else's messages.
 */
export async function removeThisBrowser() {
  if (!supported() || !navigator.serviceWorker.controller && !(await navigator.serviceWorker.getRegistration('/'))) {
    return;
  }
  await disable();
}
