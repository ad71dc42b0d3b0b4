/**
 * Puts `text` on the clipboard. False where the page has none (a page not served over https or
 * localhost) or the browser refused: the caller then offers the text to copy by hand.
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
