import { useEffect, useRef, useState, type KeyboardEvent } from 'react';

/** One thing a menu can do. */
export interface MenuItem {
  label: string;
  title?: string;
  disabled?: boolean;
  onSelect: () => void;
}

/** Items under an optional heading; sections are separated by a line. */
export interface MenuSection {
  label?: string;
  items: readonly MenuItem[];
  /** Shown in place of the items when there are none ("No demos"). */
  empty?: string;
}

/**
 * A menu button (WAI-ARIA menu button pattern): the button opens a menu of its items; arrow
 * keys, Home and End move between them, Enter or a click chooses one, Escape or a click
 * elsewhere closes it and gives focus back to the button.
 */
export function Menu({ label, title, sections, disabled = false }: { label: string; title?: string; sections: readonly MenuSection[]; disabled?: boolean }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  const entries = () => [...(menu.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]:not(:disabled)') ?? [])];
  const close = (focusButton: boolean) => {
    setOpen(false);
    if (focusButton) button.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    entries()[0]?.focus();
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  const onKeyDown = (event: KeyboardEvent) => {
    const list = entries();
    const index = list.indexOf(document.activeElement as HTMLButtonElement);
    const move = (next: number) => {
      event.preventDefault();
      list[(next + list.length) % list.length]?.focus();
    };
    if (event.key === 'ArrowDown') move(index + 1);
    else if (event.key === 'ArrowUp') move(index - 1);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(list.length - 1);
    else if (event.key === 'Escape') {
      event.preventDefault();
      close(true);
    } else if (event.key === 'Tab') setOpen(false);
  };

  const item = (entry: MenuItem) => (
    <button
      key={entry.label}
      type="button"
      role="menuitem"
      disabled={entry.disabled}
      title={entry.title}
      onClick={() => {
        close(true);
        entry.onSelect();
      }}
    >
      {entry.label}
    </button>
  );

  return (
    <span className="menu-button">
      <button
        ref={button}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        disabled={disabled}
        title={title}
        onClick={() => setOpen(!open)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' && !open) {
            event.preventDefault();
            setOpen(true);
          }
        }}
      >
        {label} <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div ref={menu} role="menu" aria-label={label} className="menu" onKeyDown={onKeyDown}>
          {sections.map((section, index) => [
            index > 0 && <div key={`separator-${index}`} role="separator" className="menu-separator" />,
            <div key={section.label ?? index} role="group" aria-label={section.label} className="menu-section">
              {section.label && (
                <div className="menu-heading" aria-hidden="true">
                  {section.label}
                </div>
              )}
              {section.items.map(item)}
              {section.items.length === 0 && section.empty && (
                <button type="button" role="menuitem" disabled>
                  {section.empty}
                </button>
              )}
            </div>,
          ])}
        </div>
      )}
    </span>
  );
}
