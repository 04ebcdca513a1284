// The route lives in the URL hash (`#/runs/12`, `#/runs?status=running&selected=3,5`) so it works from a file://
// page in Electron and from the browser-mode server alike, survives reloads, and can be shared or bookmarked.
// View state that should survive a reload (filters, sort, selection) goes in the query, not in component state.

export interface Route {
  /** Path segments: `#/runs/12` → ['runs', '12']. */
  segments: string[];
  query: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#/, '');
  const questionMark = text.indexOf('?');
  const path = questionMark < 0 ? text : text.slice(0, questionMark);
  const query = new URLSearchParams(questionMark < 0 ? '' : text.slice(questionMark + 1));
  return { segments: path.split('/').filter((s) => s.length > 0).map(decodeURIComponent), query };
}

/** `#/a/b?x=1`, with empty query values dropped so URLs stay short. */
export function formatRoute(segments: readonly (string | number)[], query: Record<string, string | undefined> | URLSearchParams = {}): string {
  const entries = query instanceof URLSearchParams ? [...query.entries()] : Object.entries(query);
  const params = new URLSearchParams(entries.filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
  const search = params.toString();
  return `#/${segments.map((s) => encodeURIComponent(String(s))).join('/')}${search ? `?${search}` : ''}`;
}

/** A copy of `route`'s query with some keys set (undefined or '' removes them). */
export function withQuery(route: Route, changes: Record<string, string | undefined>): URLSearchParams {
  const query = new URLSearchParams(route.query);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || value === '') query.delete(key);
    else query.set(key, value);
  }
  return query;
}

/** Run ids in a comma-separated query value (`selected=3,5`), ignoring junk. */
export function parseIdList(value: string | null): number[] {
  if (!value) return [];
  return [...new Set(value.split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0))];
}

export function formatIdList(ids: Iterable<number>): string {
  return [...ids].sort((a, b) => a - b).join(',');
}
