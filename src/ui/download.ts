/** Saves `data` as a file named `fileName` (a download the browser offers to keep). */
export function downloadFile(data: string | Uint8Array, fileName: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([data as BlobPart], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked on the next turn: the download has taken the blob by then.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Saves `text` as a file named `fileName`. */
export const downloadText = (text: string, fileName: string, type = 'application/json'): void => downloadFile(text, fileName, type);
