// The one error type for expected failures (bad input, a missing file, a refused value): it carries a code, one
// clear message and optional field errors. The CLI prints such an error as one line with exit 2; the API answers
// it with its code. Anything else that is thrown is a bug: the CLI shows its stack, the API logs it as 'internal'.
// Pure TypeScript (no Node, no DOM) so every layer can import it.

/** 'invalid-payload' (schema), 'forbidden' (sender), 'not-found', 'conflict', 'config' (bad run config),
 *  'invalid-input' (a bad file, folder or value), 'internal' (a bug). */
export type ErrorCode = 'invalid-payload' | 'forbidden' | 'not-found' | 'conflict' | 'config' | 'invalid-input' | 'internal';

export class ExpectedError extends Error {
  readonly expected = true;
  readonly code: ErrorCode;
  readonly fieldErrors: Record<string, string>;
  constructor(message: string, options: { code?: ErrorCode; fieldErrors?: Record<string, string>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ExpectedError';
    this.code = options.code ?? 'invalid-input';
    this.fieldErrors = options.fieldErrors ?? {};
  }
}

/** True for an ExpectedError (or any subclass), and for errors marked `expected` by older code paths. */
export function isExpectedError(error: unknown): error is Error & { expected: true; code?: ErrorCode; fieldErrors?: Record<string, string> } {
  return error instanceof ExpectedError || (error instanceof Error && (error as { expected?: unknown }).expected === true);
}
