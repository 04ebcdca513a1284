// Saving text as a file from the page (export of a task or a set): a Blob behind a temporary link, which works
// the same in Chromium (browser mode) and Electron.

export function downloadText(fileName: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** File names keep letters, digits, dots, dashes and underscores. */
export const safeFileName = (name: string): string => name.replace(/[^\w.-]+/g, '_') || 'task';
