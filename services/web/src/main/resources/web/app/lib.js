// The UI library, in one place: Preact with hooks, and htm for JSX-like templates without a build step.
// The vendored files' folders name their versions (see services/web/vendor).
import { h, render, Fragment } from './vendor/preact-11.2.0/preact.mjs';
import htm from './vendor/htm-3.1.1/htm.mjs';

export { h, render, Fragment };
export { useState, useEffect, useRef, useMemo, useCallback, useReducer, useLayoutEffect } from './vendor/preact-11.2.0/hooks.mjs';
export const html = htm.bind(h);
