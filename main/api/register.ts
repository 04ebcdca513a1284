// The one way to answer API requests: every channel of the map in preload/contract.ts is registered through
// `registerHandlers`, which checks the sender and validates the payload with the channel's zod schema before the
// handler runs, and turns every outcome into an ApiResult. Malformed input gets an error reply, never a crash.
import { CHANNEL_NAMES, CHANNELS, MAX_PAYLOAD_DEPTH, MAX_PAYLOAD_VALUES, type ApiErrorInfo, type ApiResult, type Channel, type Payload, type Reply } from '../../preload/contract.ts';
import { isExpectedError } from '../common/errors.ts';

/** One function per channel, receiving the validated payload. */
export type Handlers = { [C in Channel]: (payload: Payload<C>) => Reply<C> | Promise<Reply<C>> };

/** Answers one request: the raw payload as received and whoever sent it. */
export type Responder<Sender> = (payload: unknown, sender: Sender) => Promise<ApiResult<unknown>>;

/** How requests arrive: Electron IPC (main/electron) or the WebSocket server (main/server). */
export interface Transport<Sender> {
  handle(channel: Channel, respond: Responder<Sender>): void;
  /** True only for our own UI (Electron: the frame's URL is the app's page; WebSocket: an authenticated socket). */
  isTrustedSender(sender: Sender): boolean;
}

const MAX_REPORTED_ISSUES = 20;

export function registerHandlers<Sender>(transport: Transport<Sender>, handlers: Handlers): void {
  for (const channel of CHANNEL_NAMES) transport.handle(channel, guard(channel, handlers, transport));
}

function guard<C extends Channel, Sender>(channel: C, handlers: Handlers, transport: Transport<Sender>): Responder<Sender> {
  const handler = handlers[channel] as (payload: Payload<C>) => Reply<C> | Promise<Reply<C>>;
  return async (payload, sender) => {
    // One try around everything a request runs (sender check, validation, handler): nothing a client sends
    // can raise past here.
    try {
      if (!transport.isTrustedSender(sender)) return failure({ code: 'forbidden', message: `${channel}: request from an untrusted sender` });
      const shapeProblem = payloadShapeProblem(payload, MAX_PAYLOAD_DEPTH, MAX_PAYLOAD_VALUES);
      if (shapeProblem) return failure({ code: 'invalid-payload', message: `${channel}: invalid payload (${shapeProblem.path}: ${shapeProblem.problem})`, fieldErrors: { [shapeProblem.path]: shapeProblem.problem } });
      const parsed = CHANNELS[channel].payload.safeParse(payload);
      if (!parsed.success) {
        // At most MAX_REPORTED_ISSUES named, so a payload wrong in every one of its values gets a short reply.
        const { issues } = parsed.error;
        const fieldErrors = Object.fromEntries(issues.slice(0, MAX_REPORTED_ISSUES).map((issue) => [issue.path.join('.') || '(payload)', issue.message]));
        const more = issues.length > MAX_REPORTED_ISSUES ? `; and ${issues.length - MAX_REPORTED_ISSUES} more` : '';
        return failure({ code: 'invalid-payload', message: `${channel}: invalid payload (${Object.entries(fieldErrors).map(([k, v]) => `${k}: ${v}`).join('; ')}${more})`, fieldErrors });
      }
      return { ok: true, value: await handler(parsed.data as Payload<C>) };
    } catch (error) {
      return failure(describeError(channel, error));
    }
  };
}

/** The first value nested deeper than `maxDepth` arrays/objects, reached twice, or not JSON data (IPC's
 *  structured clone carries cycles, shared objects, Maps and typed arrays, which the recursive schema would walk
 *  forever or element by element), or null. Iterative, so a payload nested thousands of levels deep (a stack
 *  overflow inside the schema) is refused too. */
function payloadShapeProblem(payload: unknown, maxDepth: number, maxValues: number): { path: string; problem: string } | null {
  const seen = new Set<object>();
  let values = 0;
  const stack: { value: unknown; depth: number; path: string }[] = [{ value: payload, depth: 0, path: '(payload)' }];
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= maxDepth) return { path, problem: `nested deeper than ${maxDepth} levels` };
    if (seen.has(value)) return { path, problem: 'refers to an object that appears elsewhere in the payload' };
    seen.add(value);
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) return { path, problem: `is a ${(value as object).constructor?.name ?? 'non-plain object'}, not JSON data` };
    // An array counts by its length (a sparse one has few entries but the schema visits every index).
    values += Array.isArray(value) ? value.length : Object.keys(value).length;
    if (values > maxValues) return { path, problem: `the payload holds more than ${maxValues.toLocaleString('en-US')} values` };
    for (const [key, child] of Object.entries(value)) stack.push({ value: child, depth: depth + 1, path: path === '(payload)' ? key : `${path}.${key}` });
  }
  return null;
}

function failure(error: ApiErrorInfo): ApiResult<never> {
  return { ok: false, error };
}

/** An expected failure (an ExpectedError: ApiError, ConfigError, a bad file, …) answers with its own code and
 *  field errors; anything else is a bug, logged with its stack and answered 'internal'. */
export function describeError(channel: Channel, error: unknown): ApiErrorInfo {
  if (isExpectedError(error)) {
    const fieldErrors = error.fieldErrors ?? {};
    // Errors only marked `expected` (no code) answered 'conflict' before ExpectedError, and still do.
    return { code: error.code ?? 'conflict', message: error.message, ...(Object.keys(fieldErrors).length > 0 ? { fieldErrors } : {}) };
  }
  console.error(`[api] ${channel} failed:`, error);
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}
