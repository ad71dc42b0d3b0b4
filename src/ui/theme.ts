import { useState } from 'react';

/** The colour scheme: the system's, or one the person chose. */
export type Theme = 'system' | 'light' | 'dark';

// Kept in localStorage (not the IndexedDB store) so that index.html applies it before the
// first paint: a person who chose dark never sees a light flash.
const storageKey = 'stepwise.theme';

/** The theme saved in this browser (`system` when none or unreadable). */
export function savedTheme(): Theme {
  try {
    const value = globalThis.localStorage?.getItem(storageKey);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

/** Applies `theme` to the page (`data-theme` on `<html>`; app.css follows it) and saves it. */
export function applyTheme(theme: Theme): void {
  const root = globalThis.document?.documentElement;
  if (root) {
    if (theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = theme;
  }
  try {
    if (theme === 'system') globalThis.localStorage?.removeItem(storageKey);
    else globalThis.localStorage?.setItem(storageKey, theme);
  } catch {
    // Storage refused (private mode): the theme holds until the page closes.
  }
}

/** The Theme select in the header: System, Light or Dark. */
export function useTheme(): [Theme, (theme: Theme) => void] {
  const [theme, setTheme] = useState(savedTheme);
  return [
    theme,
    (next) => {
      applyTheme(next);
      setTheme(next);
    },
  ];
}
