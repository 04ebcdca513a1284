// The new-run form's model: every field is edited as text, compared with the preset's value, and sent as a
// dotted-path override only when it differs. Client checks are the cheap ones (is it a number?); the backend
// owns the real validation (divisibility, ranges, data-specific rules).
import type { ConfigFieldInfo } from '../../preload/contract.ts';

/** A preset value as the form shows it (string[] as comma-separated text). */
export function fieldDisplayValue(field: ConfigFieldInfo): string {
  return Array.isArray(field.value) ? field.value.join(',') : String(field.value ?? '');
}

export function clientFieldError(field: ConfigFieldInfo, text: string): string | null {
  const trimmed = text.trim();
  switch (field.type) {
    case 'integer':
      return trimmed !== '' && Number.isInteger(Number(trimmed)) ? null : 'must be a whole number';
    case 'number':
      return trimmed !== '' && Number.isFinite(Number(trimmed)) ? null : 'must be a number';
    case 'enum':
      return field.options?.includes(trimmed) ? null : `must be one of ${field.options?.join(', ')}`;
    default:
      return null;
  }
}

/** The overrides to send: the fields whose text differs from the preset's value. */
export function changedOverrides(fields: readonly ConfigFieldInfo[], values: Record<string, string>): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const field of fields) {
    const value = values[field.path];
    if (value !== undefined && value.trim() !== fieldDisplayValue(field)) overrides[field.path] = value.trim();
  }
  return overrides;
}
