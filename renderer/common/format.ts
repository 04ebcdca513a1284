// How numbers, durations, sizes and times read everywhere in the UI.

/** Metric values: 4 significant digits, exponent form for very small or large magnitudes. */
export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude < 1e-3 || magnitude >= 1e6) return value.toExponential(2);
  return Number(value.toPrecision(4)).toString();
}

/** Fractional epochs: two decimals below 10, one up to 1000, then whole ("0.25", "3", "12.5", "1500"). */
export function formatEpoch(epoch: number): string {
  return String(Number(epoch.toFixed(epoch < 10 ? 2 : epoch < 1000 ? 1 : 0)));
}

/** 1234567 → "1.23M", 980 → "980". */
export function formatCount(value: number): string {
  const units: [number, string][] = [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [size, suffix] of units) if (Math.abs(value) >= size) return `${Number((value / size).toPrecision(3))}${suffix}`;
  return String(Math.round(value));
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** 93_000 → "1m 33s", 7_200_000 → "2h 0m". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** A time today ("14:05"), else with its date ("Dec 4 14:05"); `seconds` where two in a minute must differ. */
export function formatDateTime(ms: number, { seconds = false }: { seconds?: boolean } = {}): string {
  const date = new Date(ms);
  const sameDay = date.toDateString() === new Date().toDateString();
  const time = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}) });
  return sameDay ? time : date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' }) + ' ' + time;
}
