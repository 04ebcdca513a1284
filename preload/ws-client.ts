// Browser mode's client: the same WorkbenchApi as Electron's `window.trm`, spoken over a WebSocket to
// `trm serve` (main/server). Browser-safe: no Node or Electron imports. `getApi()` is what the renderer calls.
import {
  bridgedFunction, buildRequests, EXPOSED_API_NAME,
  type BridgedApi,
  type ApiResult, type Channel, type WorkbenchApi, type WorkbenchEventListener, type WsClientMessage, type WsServerMessage,
} from './contract.ts';

/** The part of the WHATWG WebSocket this client uses (the browser's, or the `ws` package's in tests). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

const OPEN = 1;
const RECONNECT_DELAYS_MS = [250, 500, 1000, 2000, 5000];

export interface WsClient extends WorkbenchApi {
  /** Stops reconnecting and closes the socket. */
  close(): void;
}

/**
 * Connects to `url` (ws://127.0.0.1:PORT/ws?token=…). Requests made before the socket opens wait for it; if the
 * connection drops, pending requests fail and the client reconnects with backoff so events resume.
 */
export function createWsClient(url: string, WebSocketImpl: WebSocketConstructor): WsClient {
  const listeners = new Set<WorkbenchEventListener>();
  const pending = new Map<number, (result: ApiResult<unknown>) => void>();
  let waitingForOpen: (() => void)[] = [];
  let nextId = 1;
  let attempt = 0;
  let closed = false;
  let socket = connect();

  function connect(): WebSocketLike {
    const ws = new WebSocketImpl(url);
    ws.addEventListener('open', () => {
      attempt = 0;
      const waiting = waitingForOpen;
      waitingForOpen = [];
      for (const resume of waiting) resume();
    });
    ws.addEventListener('message', (event) => receive(String(event.data)));
    ws.addEventListener('close', () => {
      failPending('connection to the workbench server closed');
      if (closed) return;
      const delay = RECONNECT_DELAYS_MS[Math.min(attempt++, RECONNECT_DELAYS_MS.length - 1)];
      setTimeout(() => { if (!closed) socket = connect(); }, delay);
    });
    return ws;
  }

  function receive(text: string): void {
    let message: WsServerMessage;
    try { message = JSON.parse(text) as WsServerMessage; } catch { return; }
    if ('event' in message) {
      for (const listener of listeners) listener(message.event);
    } else {
      const resolve = pending.get(message.id);
      pending.delete(message.id);
      resolve?.(message.result);
    }
  }

  function failPending(message: string): void {
    for (const resolve of pending.values()) resolve({ ok: false, error: { code: 'internal', message } });
    pending.clear();
  }

  async function send(channel: Channel, payload: unknown): Promise<ApiResult<unknown>> {
    if (closed) return { ok: false, error: { code: 'internal', message: 'the workbench client is closed' } };
    if (socket.readyState !== OPEN) await new Promise<void>((resume) => waitingForOpen.push(resume));
    const id = nextId++;
    const message: WsClientMessage = { id, channel, payload };
    return new Promise((resolve) => {
      pending.set(id, resolve);
      socket.send(JSON.stringify(message));
    });
  }

  return {
    ...buildRequests(send),
    onEvent(listener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
    close() {
      closed = true;
      socket.close();
      failPending('the workbench client is closed');
    },
  };
}

/** The WebSocket URL for a page served by `trm serve` at `pageUrl` (the token travels in the page's query). */
export function serverSocketUrl(pageUrl: string): string {
  const page = new URL(pageUrl);
  const socket = new URL('/ws', page);
  socket.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = page.searchParams.get('token');
  if (token) socket.searchParams.set('token', token);
  return socket.toString();
}

let browserClient: WsClient | undefined;
let electronApi: WorkbenchApi | undefined;

/** The API for this page: Electron's preload bridge when present, else a WebSocket client to the serving host. */
export function getApi(): WorkbenchApi {
  const scope = globalThis as unknown as Record<string, unknown> & { location?: { href: string }; WebSocket?: WebSocketConstructor };
  const bridge = scope[EXPOSED_API_NAME] as BridgedApi | undefined;
  if (bridge) {
    electronApi ??= { ...buildRequests((channel, payload) => bridgedFunction(bridge, channel)(payload)), onEvent: (listener) => bridge.onEvent(listener) };
    return electronApi;
  }
  if (!scope.location || !scope.WebSocket) throw new Error('no workbench API: not in Electron and no browser WebSocket');
  browserClient ??= createWsClient(serverSocketUrl(scope.location.href), scope.WebSocket);
  return browserClient;
}
