// A panel that fails to render (an answer of an unexpected shape) shows why, and the rest of the
// console keeps working.

import { html, useErrorBoundary } from './vendor/preact-htm.js';

export function Guard({ what, children }) {
  const [error, reset] = useErrorBoundary();
  if (error) {
    return html`<div class="na err guard" role="alert">
      ${what || 'This panel'} could not be shown: ${String((error && error.message) || error)}
      <button class="small" onClick=${reset}>Try again</button></div>`;
  }
  return children;
}

// <${Guarded} render=${() => html`...`} />: the render function runs inside its own Guard.
const Render = ({ render }) => render();
export function Guarded({ what, render }) {
  return html`<${Guard} what=${what}><${Render} render=${render} /><//>`;
}
