// Browser mode (`trm serve`): the workbench UI served on 127.0.0.1, talking to the same backend as the Electron
// app over a WebSocket that speaks the channel map of preload/contract.ts (client: preload/ws-client.ts).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CHANNEL_NAMES, MAX_REQUEST_BYTES, type ApiResult, type Channel, type WorkbenchEvent, type WsClientMessage, type WsServerMessage } from '../../preload/contract.ts';
import { APP_VERSION, registerHandlers, startBackend, type Backend, type BackendOptions, type Responder } from '../api/index.ts';
import { ensureRendererBuilt, RENDERER_DIST } from './renderer-build.ts';
import { contentSecurityPolicy, isAllowedHost, isAllowedOrigin, newToken, SECURITY_HEADERS, tokensMatch } from './security.ts';

export { ensureRendererBuilt } from './renderer-build.ts';

export interface ServerOptions {
  /** 0 = any free port. */
  port?: number;
  /** Default: a new random token. */
  token?: string;
  /** Workspace folder (sets TRM_HOME for this process and its jobs). */
  workspace?: string;
  /** Folder of the built renderer (default dist/renderer). */
  staticDir?: string;
  /** Passed to the backend (tests inject a fake trainer module). */
  backend?: Partial<Omit<BackendOptions, 'mode' | 'version'>>;
  /** Keep serving through an uncaught exception or unhandled rejection anywhere in the process: log it and show
   *  it to every connected window (an 'app-error' event). `trm serve` sets it; tests and embedders may not. */
  guardProcess?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  backend: Backend;
  close(): Promise<void>;
}

const WS_PATH = '/ws';
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.wasm': 'application/wasm', '.map': 'application/json',
};

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  if (options.workspace) process.env.TRM_HOME = resolve(options.workspace);
  const token = options.token ?? newToken();
  const staticDir = resolve(options.staticDir ?? RENDERER_DIST);
  const backend = startBackend({ ...options.backend, mode: 'browser', version: APP_VERSION });

  // One registration for the whole server; a socket is a trusted sender once it passed the token check.
  const responders = new Map<Channel, Responder<WebSocket>>();
  const authenticated = new WeakSet<WebSocket>();
  registerHandlers<WebSocket>({ handle: (channel, respond) => { responders.set(channel, respond); }, isTrustedSender: (socket) => authenticated.has(socket) }, backend.handlers);

  let port = 0;
  const http = createServer((request, response) => serveStatic(request, response, staticDir, port));
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES });
  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy()); // a client that resets mid-handshake
    let url: URL | null = null;
    try { url = new URL(request.url ?? '/', 'http://127.0.0.1'); } catch { /* refused below */ }
    const refusal =
      !url ? [400, 'Bad Request'] as const
      : url.pathname !== WS_PATH ? [404, 'Not Found'] as const
      : !isAllowedHost(request.headers.host, port) || !isAllowedOrigin(request.headers.origin, port) ? [403, 'Forbidden'] as const
      : !tokensMatch(url.searchParams.get('token'), token) ? [401, 'Unauthorized'] as const
      : null;
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal[0]} ${refusal[1]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => {
      authenticated.add(ws);
      // A frame over MAX_REQUEST_BYTES (or a protocol violation): ws closes this socket with a reason (1009
      // 'Max payload size exceeded') and reports it here; without a listener it would end the process.
      ws.on('error', (error) => console.warn(`[server] closed a WebSocket: ${error.message}`));
      ws.on('message', (data, isBinary) => void answer(ws, isBinary ? null : String(data)));
    });
  });

  /** Answers one frame; every frame gets a reply (id −1 when it has none), and nothing here throws. */
  async function answer(ws: WebSocket, text: string | null): Promise<void> {
    let message: unknown = undefined;
    try { message = text === null ? undefined : JSON.parse(text); } catch { /* answered as malformed below */ }
    const request = typeof message === 'object' && message !== null && !Array.isArray(message) ? message as Partial<WsClientMessage> : {};
    const id = typeof request.id === 'number' && Number.isSafeInteger(request.id) ? request.id : -1;
    const respond = typeof request.channel === 'string' && (CHANNEL_NAMES as string[]).includes(request.channel) ? responders.get(request.channel) : undefined;
    let result: ApiResult<unknown>;
    try {
      result = respond
        ? await respond(request.payload, ws)
        : { ok: false, error: { code: 'invalid-payload', message: typeof request.channel !== 'string' ? 'malformed request: expected a JSON object {id, channel, payload} with a channel name' : `unknown channel '${request.channel.slice(0, 200)}'` } };
    } catch (error) {
      console.error('[server] request failed outside its handler:', error);
      result = { ok: false, error: { code: 'internal', message: 'the request failed; see the server log' } };
    }
    send(ws, { id, result });
  }

  const broadcast = (event: WorkbenchEvent) => { for (const ws of sockets.clients) send(ws, { event }); };
  const unsubscribe = backend.subscribe(broadcast);
  const unguard = options.guardProcess ? guardProcess(broadcast) : () => {};

  await new Promise<void>((resolveListen, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (http.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port, token, backend,
    async close() {
      unguard();
      unsubscribe();
      for (const ws of sockets.clients) ws.terminate();
      sockets.close();
      await new Promise<void>((done) => http.close(() => done()));
      await backend.close();
    },
  };
}

function send(ws: WebSocket, message: WsServerMessage): void {
  try {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  } catch (error) {
    console.warn(`[server] could not send to a WebSocket: ${(error as Error).message}`);
  }
}

/** The last line of defence of a long-running server (a training job may be running under it): an exception
 *  nothing caught is logged with its stack and shown in every window, and the process keeps serving. Returns the
 *  function that removes the guard. */
function guardProcess(broadcast: (event: WorkbenchEvent) => void): () => void {
  const report = (kind: string) => (error: unknown) => {
    console.error(`[server] ${kind} (still serving):`, error);
    try {
      broadcast({ type: 'app-error', message: `${kind} in the server: ${error instanceof Error ? error.message : String(error)} (details in its log)`, at: Date.now() });
    } catch { /* reporting must never throw */ }
  };
  const onException = report('uncaught exception');
  const onRejection = report('unhandled rejection');
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}

/** The decoded path of a request target, or null when it does not parse or holds a malformed percent-escape
 *  (`/%`, `/%zz`, a cut UTF-8 sequence): a bad request, never an exception. */
function requestPathname(target: string | undefined): string | null {
  try {
    const pathname = decodeURIComponent(new URL(target ?? '/', 'http://127.0.0.1').pathname);
    return pathname.includes('\0') ? null : pathname;
  } catch {
    return null;
  }
}

function serveStatic(request: IncomingMessage, response: ServerResponse, staticDir: string, port: number): void {
  const headers = { ...SECURITY_HEADERS, 'Content-Security-Policy': contentSecurityPolicy(port) };
  const reply = (status: number, body: string) => {
    response.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end(body);
  };
  if (!isAllowedHost(request.headers.host, port)) return reply(403, 'Forbidden host');
  if (request.method !== 'GET' && request.method !== 'HEAD') return reply(405, 'Method not allowed');
  const pathname = requestPathname(request.url);
  if (pathname === null) return reply(400, 'Bad request path');
  const file = normalize(join(staticDir, pathname === '/' ? 'index.html' : pathname));
  if (!file.startsWith(staticDir + sep)) return reply(403, 'Forbidden path');
  if (!existsSync(file) || !statSync(file).isFile()) {
    return reply(404, existsSync(staticDir) ? 'Not found' : 'The renderer is not built: run `npx vite build` (or `trm serve`, which builds it).');
  }
  response.writeHead(200, { ...headers, 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' });
  if (request.method === 'HEAD') response.end();
  else createReadStream(file).pipe(response);
}

/** `trm serve [--port N] [--workspace DIR] [--no-build]`: runs until interrupted (Ctrl-C). */
export async function serveCommand(args: string[]): Promise<number> {
  let port = 0;
  let workspace: string | undefined;
  let build = true;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--port' && /^\d+$/.test(args[i + 1] ?? '') && Number(args[i + 1]) < 65536) port = Number(args[++i]);
    else if (arg === '--workspace' && args[i + 1]) workspace = args[++i];
    else if (arg === '--no-build') build = false;
    else {
      console.error(`trm serve: unexpected argument '${arg}'\nusage: trm serve [--port N] [--workspace DIR] [--no-build]`);
      return 2;
    }
  }
  if (build) {
    try {
      ensureRendererBuilt();
    } catch (error) {
      console.error(`trm serve: ${(error as Error).message}`);
      return 1;
    }
  }
  const server = await startServer({ port, workspace, guardProcess: true });
  console.log(`TRM Workbench is serving at ${server.url}`);
  console.log('Open that address in a browser (the token is required). Ctrl-C stops; running jobs checkpoint first.');
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  console.log('Stopping…');
  await server.close();
  return 0;
}
