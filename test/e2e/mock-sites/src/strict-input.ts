import { Plugin, type Transaction } from 'prosemirror-state';

/**
 * Makes the editor's state change only through its input handling, as on the real sites: text
 * that a script writes into the DOM (`textContent`, `innerHTML`, then a synthetic `input`) stays
 * visible but never reaches the state, so Send ignores it. Plain ProseMirror would read such DOM
 * edits back into its state; chatgpt.com and claude.ai do not (reported by other extensions), and
 * this mock must catch an extension that relies on it.
 *
 * Accepted: changes within a moment of a trusted input event (typing, IME, `execCommand`, which
 * fires a trusted `input`), paste/drop handled by the editor, and the page's own commands
 * (marked with `internalChange`).
 */
export const internalChange = 'mockInternalChange';

const trustedEvents = ['keydown', 'beforeinput', 'input', 'compositionstart', 'compositionend', 'paste', 'drop', 'cut'];
const windowMs = 500;
let lastTrustedInput = -Infinity;
for (const type of trustedEvents) {
  window.addEventListener(
    type,
    (event) => {
      if (event.isTrusted) lastTrustedInput = performance.now();
    },
    { capture: true },
  );
}

function allowed(tr: Transaction): boolean {
  if (!tr.docChanged || tr.getMeta(internalChange)) return true;
  const uiEvent = tr.getMeta('uiEvent');
  if (uiEvent === 'paste' || uiEvent === 'drop' || uiEvent === 'cut') return true;
  return performance.now() - lastTrustedInput < windowMs;
}

export function strictInputPlugin(): Plugin {
  return new Plugin({ filterTransaction: allowed });
}
