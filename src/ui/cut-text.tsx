import { useState } from 'react';
import { count } from './format.ts';

/** Characters shown before "Show all". */
export const previewLength = 1500;
/** Even "Show all" stops here: a 20 MB input or evidence would stall the page for seconds. */
export const showAllLength = 200_000;
export const characters = (value: number) => count(value, 'character');

/**
 * Long text cut to a preview, with a button for the rest (up to `showAllLength`; beyond that
 * the text says how much is not shown, and the exported trace has all of it).
 */
export function CutText({ text, className = 'mono', preview = previewLength }: { text: string; className?: string; preview?: number }) {
  const [showAll, setShowAll] = useState(false);
  const long = text.length > preview;
  const shown = long && !showAll ? preview : Math.min(text.length, showAllLength);
  return (
    <>
      <div className={className}>
        {text.slice(0, shown)}
        {shown < text.length && (showAll ? ` … (${characters(text.length - shown)} not shown; export the run for all of it)` : '…')}
      </div>
      {long && <button onClick={() => setShowAll(!showAll)}>{showAll ? 'Show less' : `Show all ${characters(text.length)}`}</button>}
    </>
  );
}

