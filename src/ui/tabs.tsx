import { useId, useRef, type KeyboardEvent, type ReactNode } from 'react';

/** One tab: its id, its name (the tab's accessible name) and an optional badge beside it. */
export interface TabItem<T extends string> {
  id: T;
  label: string;
  /** Shown after the label, not part of its name ("12" beside Calls). */
  badge?: string;
  title?: string;
}

/**
 * Tabs (WAI-ARIA tabs pattern, selection follows focus): a tab list and the selected tab's
 * panel. Arrow keys, Home and End move between tabs; only the selected panel is rendered, so a
 * hidden panel costs nothing while a run streams.
 */
export function Tabs<T extends string>({ label, tabs, selected, onSelect, children }: { label: string; tabs: readonly TabItem<T>[]; selected: T; onSelect: (id: T) => void; children: ReactNode }) {
  const prefix = useId();
  const list = useRef<HTMLDivElement>(null);
  const current = tabs.find((tab) => tab.id === selected) ?? tabs[0];

  const onKeyDown = (event: KeyboardEvent) => {
    const index = tabs.findIndex((tab) => tab.id === current?.id);
    const moves: Record<string, number> = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 };
    const next = moves[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const tab = tabs[(next + tabs.length) % tabs.length];
    if (!tab) return;
    onSelect(tab.id);
    list.current?.querySelector<HTMLButtonElement>(`[data-tab="${tab.id}"]`)?.focus();
  };

  return (
    <div className="tabs">
      <div role="tablist" aria-label={label} className="tab-list" ref={list} onKeyDown={onKeyDown}>
        {tabs.map((tab) => {
          const isSelected = tab.id === current?.id;
          return (
            <button
              key={tab.id}
              type="button"
              role="tab"
              id={`${prefix}-tab-${tab.id}`}
              data-tab={tab.id}
              aria-selected={isSelected}
              aria-controls={`${prefix}-panel`}
              tabIndex={isSelected ? 0 : -1}
              title={tab.title}
              onClick={() => onSelect(tab.id)}
            >
              {tab.label}
              {tab.badge !== undefined && (
                <span className="badge" aria-hidden="true">
                  {tab.badge}
                </span>
              )}
            </button>
          );
        })}
      </div>
      <div role="tabpanel" id={`${prefix}-panel`} aria-labelledby={current ? `${prefix}-tab-${current.id}` : undefined} className="tab-panel" tabIndex={-1}>
        {children}
      </div>
    </div>
  );
}
