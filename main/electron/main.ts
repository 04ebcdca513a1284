// The Electron main process: one window on the built renderer, the shared backend (main/api) answering the
// channel map over IPC, and Electron's security checklist applied (anchors D.2). Bundled by bin/start.mjs.
import { app, BrowserWindow, dialog, ipcMain, Menu, screen, session, shell, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { EVENT_CHANNEL, type WorkbenchEvent } from '../../preload/contract.ts';
import { APP_VERSION, registerHandlers, startBackend, type Backend } from '../api/index.ts';
import { workspaceDir } from '../common/paths.ts';
import { isExpectedError } from '../common/errors.ts';
import { ensureFolder } from '../common/fs-checks.ts';
import { RENDERER_DIST } from '../server/renderer-build.ts';
import { applicationMenuTemplate, contentSecurityPolicy, MIN_WINDOW_SIZE, validWindowBounds } from './policy.ts';
import { utilityJobProcess } from './job-launcher.ts';

const RENDERER_INDEX = join(RENDERER_DIST, 'index.html');
const RENDERER_URL = pathToFileURL(RENDERER_INDEX).href;
/** The preload bundle sits beside this file's bundle (dist/electron/). */
const PRELOAD = join(import.meta.dirname, 'preload.cjs');
const WINDOW_BOUNDS_SETTING = 'window.bounds';

// Workspace: the same folder the CLI uses (TRM_HOME, else the platform's user-data folder).
app.setName('TRM Workbench');
app.setPath('userData', workspaceDir());

const logFile = join(workspaceDir(), 'logs', 'main.log');
function log(...args: unknown[]): void {
  const line = `${new Date().toISOString()} ${format(...args)}\n`;
  process.stderr.write(line);
  try { appendFileSync(logFile, line); } catch { /* the log is best effort */ }
}

/** Only our own page may call the API (GitHub Desktop's check: the sending frame's URL is the app's index.html). */
function isOurPage(url: string | undefined): boolean {
  return url !== undefined && url.split(/[?#]/)[0] === RENDERER_URL;
}

function registerIpc(backend: Backend): void {
  registerHandlers<IpcMainInvokeEvent>({
    handle: (channel, respond) => ipcMain.handle(channel, (event, payload: unknown) => respond(payload, event)),
    isTrustedSender: (event) => isOurPage(event.senderFrame?.url),
  }, backend.handlers);
}

function hardenSession(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy] } });
  });
}

/** Opens https links in the user's browser after checking them; everything else is refused. */
function openExternalSafely(url: string): void {
  try {
    if (new URL(url).protocol === 'https:') void shell.openExternal(url);
    else log('refused to open a non-https URL:', url);
  } catch {
    log('refused to open a malformed URL:', url);
  }
}

function hardenContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isOurPage(url)) { event.preventDefault(); openExternalSafely(url); }
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => { openExternalSafely(url); return { action: 'deny' }; });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

function errorPage(message: string): string {
  const escaped = message.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
  return `data:text/html;charset=utf-8,${encodeURIComponent(`<!doctype html><meta charset="utf-8"><title>TRM Workbench</title>
<body style="font:14px system-ui;margin:2em"><h1>The workbench could not load</h1><p>${escaped}</p>
<p>Build the UI with <code>npx vite build</code> and restart; the log is at <code>${logFile}</code>.</p></body>`)}`;
}

function createWindow(backend: Backend): BrowserWindow {
  const bounds = validWindowBounds(backend.db.getSetting<unknown>(WINDOW_BOUNDS_SETTING), screen.getAllDisplays().map((d) => d.workArea));
  const window = new BrowserWindow({
    ...bounds, minWidth: MIN_WINDOW_SIZE.width, minHeight: MIN_WINDOW_SIZE.height,
    title: 'TRM Workbench', show: false,
    webPreferences: {
      preload: PRELOAD, contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false,
      webSecurity: true, allowRunningInsecureContent: false, webviewTag: false, spellcheck: false,
      devTools: !app.isPackaged, // a packaged build has no DevTools at all, not just no menu entry
    },
  });
  hardenContents(window.webContents);
  window.once('ready-to-show', () => window.show());
  window.on('close', () => backend.db.setSetting(WINDOW_BOUNDS_SETTING, window.getNormalBounds()));
  window.webContents.on('did-fail-load', (_event, code, description, url) => {
    if (url.startsWith('data:')) return;
    log(`renderer failed to load ${url}: ${description} (${code})`);
    void window.loadURL(errorPage(`${description} (${code}) loading ${url}`));
  });
  window.webContents.on('render-process-gone', (_event, details) => {
    log('renderer process gone:', details.reason);
    if (details.reason !== 'clean-exit') void window.loadURL(errorPage(`The window's renderer stopped (${details.reason}).`));
  });
  void window.loadFile(RENDERER_INDEX);
  return window;
}

function buildMenu(): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(applicationMenuTemplate({
    isMac: process.platform === 'darwin', packaged: app.isPackaged, version: APP_VERSION,
    actions: {
      openWorkspace: () => void shell.openPath(workspaceDir()),
      openLog: () => void shell.openPath(logFile),
      openPaper: () => openExternalSafely('https://arxiv.org/abs/2510.04871'),
    },
  })));
}

/** Errors outside any request go to the log and to every open window (a banner), so they are not only logged. */
const windows = new Set<BrowserWindow>();
function reportUncaught(kind: string, error: unknown): void {
  log(`${kind}:`, error);
  const message = `${kind}: ${error instanceof Error ? error.message : String(error)} (details in ${logFile})`;
  for (const window of windows) {
    if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, { type: 'app-error', message, at: Date.now() } satisfies WorkbenchEvent);
  }
}

async function main(): Promise<void> {
  ensureFolder(join(workspaceDir(), 'logs'), 'the log folder'); // refuses TRM_HOME under /proc, where mkdir never returns
  process.on('uncaughtException', (error) => reportUncaught('uncaught exception in the main process', error));
  process.on('unhandledRejection', (error) => reportUncaught('unhandled rejection in the main process', error));
  if (!app.requestSingleInstanceLock()) { app.quit(); return; }
  await app.whenReady();
  log(`TRM Workbench ${APP_VERSION} starting; workspace ${workspaceDir()}`);
  hardenSession();
  const backend = startBackend({ mode: 'electron', version: APP_VERSION, launch: utilityJobProcess, warn: log });
  registerIpc(backend);
  const window = createWindow(backend);
  windows.add(window);
  window.on('closed', () => windows.delete(window));
  backend.subscribe((event) => { if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, event); });
  buildMenu();
  app.on('second-instance', () => { if (window.isMinimized()) window.restore(); window.focus(); });
  app.on('window-all-closed', () => app.quit());
  let closing = false;
  app.on('will-quit', (event) => {
    if (closing) return;
    closing = true;
    event.preventDefault(); // let running jobs checkpoint first
    void backend.close().finally(() => app.exit(0));
  });
}

void main().catch((error) => {
  log('startup failed:', error);
  // An unusable workspace (TRM_HOME a file or under /proc, a damaged trm.sqlite) is said in a box, not only in a log.
  if (isExpectedError(error)) dialog.showErrorBox('TRM Workbench cannot start', error.message);
  app.exit(1);
});
