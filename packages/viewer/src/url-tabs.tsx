import type { ComponentChildren } from 'preact';
import { navigate } from './router.js';

export interface UrlTab {
  id: string;
  label: string;
  href: string;
}

/**
 * Tabs that are pages of their own (each has a URL, opens in a new tab, survives a reload): the
 * WAI-ARIA tabs pattern on links. Left/Right/Home/End move between them and open the one reached.
 */
export function UrlTabs({ label, tabs, current, children }: { label: string; tabs: UrlTab[]; current: string; children: ComponentChildren }) {
  const go = (index: number) => {
    const tab = tabs[(index + tabs.length) % tabs.length]!;
    navigate(tab.href);
    requestAnimationFrame(() => document.getElementById(`tab-${tab.id}`)?.focus());
  };
  const at = tabs.findIndex((t) => t.id === current);
  return (
    <>
      <div role="tablist" aria-label={label}>
        {tabs.map((tab, index) => (
          <a
            key={tab.id}
            id={`tab-${tab.id}`}
            role="tab"
            href={tab.href}
            aria-selected={tab.id === current}
            aria-controls={`panel-${tab.id}`}
            tabIndex={tab.id === current ? 0 : -1}
            onClick={(event) => {
              if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
              event.preventDefault();
              navigate(tab.href);
            }}
            onKeyDown={(event) => {
              const to = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
              if (to === undefined) return;
              event.preventDefault();
              go(to);
            }}
          >
            {tab.label}
          </a>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${current}`} aria-labelledby={`tab-${current}`} data-tab={tabs[at]?.id}>
        {children}
      </div>
    </>
  );
}
