import type { ComponentChildren } from 'preact';
import { navigate } from './router.js';

/** A link styled as a button (it goes somewhere; it changes nothing), navigating inside the page. */
export function LinkButton({ href, children, primary = false }: { href: string; children: ComponentChildren; primary?: boolean }) {
  return (
    <a
      href={href}
      class={primary ? 'button primary' : 'button'}
      onClick={(event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}
