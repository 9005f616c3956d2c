// Small shared pieces of the views: routing by path, forms that show the API's refusal, time.
import { html, useState } from './lib.js';

export function navigate(path, replace = false) {
  if (location.pathname + location.hash !== path) {
    history[replace ? 'replaceState' : 'pushState']({}, '', path);
  }
  window.dispatchEvent(new Event('courier:navigate'));
}

/** A link that routes inside the app (and still opens in a new tab on a modified click). */
export function Link({ href, children, ...rest }) {
  const click = (e) => {
    if (e.button === 0 && !e.metaKey && !e.ctrlKey && !e.shiftKey && !e.altKey) {
      e.preventDefault();
      navigate(href);
    }
  };
  return html`<a href=${href} onClick=${click} ...${rest}>${children}</a>`;
}

/**
 * A form whose submit runs `action(values)`; a refusal from the API is shown in an alert beside it,
 * naming the field when the problem names one.
 */
export function Form({ action, label, submit, children, className, reset = true }) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const onSubmit = async (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    const values = Object.fromEntries(new FormData(form).entries());
    setBusy(true);
    setError('');
    try {
      await action(values, form);
      if (reset) {
        form.reset();
      }
    } catch (err) {
      setError(err.field ? `${err.message} (${err.field})` : err.message);
    } finally {
      setBusy(false);
    }
  };
  return html`<form class=${className || 'stack'} aria-label=${label} onSubmit=${onSubmit}>
    ${children}
    <button type="submit" disabled=${busy}>${submit}</button>
    ${error && html`<p class="error" role="alert">${error}</p>`}
  </form>`;
}

export function Field({ label, name, type = 'text', ...rest }) {
  return html`<label class="field"><span>${label}</span><input name=${name} type=${type} ...${rest} /></label>`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

export function when(iso) {
  if (!iso) {
    return '';
  }
  const d = new Date(iso);
  return new Date().toDateString() === d.toDateString() ? timeFormat.format(d) : dayFormat.format(d);
}

/** Runs an action that may be refused, reporting the refusal where the person looks. */
export async function attempt(fn, report) {
  try {
    await fn();
    return true;
  } catch (e) {
    report(e.field ? `${e.message} (${e.field})` : e.message);
    return false;
  }
}
