import { useRef, type ReactNode } from 'react';

/**
 * A button that opens the file chooser (its input hidden, named `inputLabel`); the chosen file
 * goes to `onFile`, and the same file can be chosen again.
 */
export function FileButton({ children, title, accept, inputLabel, onFile }: { children: ReactNode; title?: string; accept: string; inputLabel: string; onFile: (file: File) => void }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" title={title} onClick={() => input.current?.click()}>
        {children}
      </button>
      <input
        ref={input}
        type="file"
        accept={accept}
        aria-label={inputLabel}
        hidden
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file) onFile(file);
        }}
      />
    </>
  );
}
