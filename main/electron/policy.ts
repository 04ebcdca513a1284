// Pure policy for the desktop app (no Electron import, so it is testable under Node): the CSP, the window's
// stored bounds, the menu.
import type { MenuItemConstructorOptions } from 'electron';

// The window's Content-Security-Policy: our own files only, no eval, no inline scripts, no remote anything.
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

// ---------------------------------------------------------------------------------------------------------
// Window bounds: the stored ones are used only when they make sense on one of today's displays.

export interface WindowBounds { width: number; height: number; x?: number; y?: number }
export interface DisplayArea { x: number; y: number; width: number; height: number }

export const DEFAULT_WINDOW_SIZE = { width: 1280, height: 820 } as const;
export const MIN_WINDOW_SIZE = { width: 800, height: 500 } as const;
/** How much of the title bar must be on a display for a stored position to be kept. */
const VISIBLE_TITLE_BAR = { width: 120, height: 40 } as const;

/**
 * The stored bounds (any JSON the settings table held) made safe: a size that is not a finite number, or is
 * smaller than the minimum, falls back to the default size; a size larger than every display shrinks to the
 * largest; a position whose title bar would be on no display (a monitor unplugged, a hand-edited setting) is
 * dropped, so the window opens centred.
 */
export function validWindowBounds(stored: unknown, displays: DisplayArea[]): WindowBounds {
  const record = typeof stored === 'object' && stored !== null ? stored as Record<string, unknown> : {};
  const number = (value: unknown) => typeof value === 'number' && Number.isFinite(value) ? Math.round(value) : undefined;
  const maxWidth = Math.max(MIN_WINDOW_SIZE.width, ...displays.map((d) => d.width));
  const maxHeight = Math.max(MIN_WINDOW_SIZE.height, ...displays.map((d) => d.height));
  const size = (value: unknown, min: number, max: number, fallback: number) => {
    const n = number(value);
    return n === undefined || n < min ? Math.min(fallback, max) : Math.min(n, max);
  };
  const width = size(record.width, MIN_WINDOW_SIZE.width, maxWidth, DEFAULT_WINDOW_SIZE.width);
  const height = size(record.height, MIN_WINDOW_SIZE.height, maxHeight, DEFAULT_WINDOW_SIZE.height);
  const x = number(record.x);
  const y = number(record.y);
  if (x === undefined || y === undefined) return { width, height };
  const titleBarVisible = displays.some((d) =>
    x + Math.min(width, VISIBLE_TITLE_BAR.width) > d.x && x < d.x + d.width - VISIBLE_TITLE_BAR.width / 2
    && y >= d.y && y + VISIBLE_TITLE_BAR.height <= d.y + d.height);
  return titleBarVisible ? { width, height, x, y } : { width, height };
}

// ---------------------------------------------------------------------------------------------------------
// The application menu: DevTools only in development, never in a packaged build.

export interface MenuActions {
  openWorkspace(): void;
  openLog(): void;
  openPaper(): void;
}

export function applicationMenuTemplate(options: { isMac: boolean; packaged: boolean; version: string; actions: MenuActions }): MenuItemConstructorOptions[] {
  const { isMac, packaged, version, actions } = options;
  return [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    { label: 'File', submenu: [
      { label: 'Open Workspace Folder', click: () => actions.openWorkspace() },
      { label: 'Open Log', click: () => actions.openLog() },
      { type: 'separator' },
      isMac ? { role: 'close' } : { role: 'quit' },
    ] },
    { role: 'editMenu' },
    { label: 'View', submenu: [
      { role: 'reload' },
      ...(packaged ? [] : [{ role: 'toggleDevTools' as const }]),
      { type: 'separator' },
      { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' },
    ] },
    { role: 'windowMenu' },
    { role: 'help', submenu: [
      { label: 'TRM paper (arXiv)', click: () => actions.openPaper() },
      { label: `Version ${version}`, enabled: false },
    ] },
  ];
}
