// Keyboard: one document listener, a stack of key maps (the newest first: an open dialog sees
// keys before the screen under it). Single keys never fire while the user types in a field,
// except Escape, which closes the top dialog or leaves the field.

import { useEffect, useRef } from './vendor/preact-htm.js';

const stack = [];

export const KEYS = [
  ['j', 'next queue'],
  ['k', 'previous queue'],
  ['c', 'claim the next mention of the selected queue'],
  ['r', 'write a reply (Ctrl+Enter sends)'],
  ['e', 'resolve the open mention'],
  ['h', 'hand off to another queue'],
  ['n', 'write an internal note'],
  ['1 2 3', 'agent, lead, marketing screen'],
  ['?', 'show or hide this list'],
  ['Esc', 'close a dialog, leave a field'],
];

const NOT_TYPED = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file']);

// The single keys of the screens: a dialog maps them to nothing, so they do not act behind it.
export const SCREEN_KEYS_OFF = Object.fromEntries(['j', 'k', 'c', 'r', 'e', 'h', 'n', '1', '2', '3'].map((k) => [k, () => true]));

export function isTyping(el) {
  if (!el || el === document.body) return false;
  const tag = el.tagName;
  if (tag === 'INPUT') return !NOT_TYPED.has((el.type || '').toLowerCase());
  return tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
}

function onKeyDown(e) {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
  const key = e.key;
  const typing = isTyping(e.target);
  if (typing && key !== 'Escape') return;
  for (let i = stack.length - 1; i >= 0; i--) {
    const fn = stack[i].current[key];
    if (typeof fn === 'function') {
      if (fn(e) !== false) {
        e.preventDefault();
        return;
      }
    }
  }
  if (key === 'Escape' && typing) {
    e.target.blur();
    e.preventDefault();
  }
}

document.addEventListener('keydown', onKeyDown);

// useKeys({j: fn, k: fn, ...}, active): while mounted and active, those keys call the functions
// (the latest render's). A function returning false lets the key fall through.
export function useKeys(map, active = true) {
  const ref = useRef(map);
  ref.current = map;
  useEffect(() => {
    if (!active) return undefined;
    stack.push(ref);
    return () => {
      const i = stack.indexOf(ref);
      if (i >= 0) stack.splice(i, 1);
    };
  }, [active]);
}
