// Long synchronous work done in slices, so a server's event loop keeps answering other requests in between.

/** Gives the event loop back once: pending I/O and timers run before the caller continues. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Calls `each` on every item, yielding to the event loop whenever `sliceMs` have passed since the last yield. */
export async function forEachInSlices<T>(items: Iterable<T>, each: (item: T) => void, sliceMs = 20): Promise<void> {
  let sliceStart = performance.now();
  for (const item of items) {
    each(item);
    if (performance.now() - sliceStart < sliceMs) continue;
    await yieldToEventLoop();
    sliceStart = performance.now();
  }
}
