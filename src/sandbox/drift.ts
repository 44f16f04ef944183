/**
 * Schema drift faults: alter one record of a response the way an API change would
 * (an unknown extra field, a missing field, a field with the wrong type).
 */
export type DriftKind = 'extra' | 'missing' | 'type';

/** Mutates one record in place; returns a short description, or null when nothing could change. */
export function applyDrift(
  kind: DriftKind,
  records: Record<string, unknown>[],
  pick: (n: number) => number,
): string | null {
  const record = records[pick(records.length)];
  if (!record) return null;
  const keys = Object.keys(record);
  if (kind === 'extra') {
    record['sandbox_drift_field'] = 'unexpected';
    return 'drift.extra:sandbox_drift_field';
  }
  if (keys.length === 0) return null;
  const key = keys[pick(keys.length)] ?? '';
  if (kind === 'missing') {
    delete record[key];
    return `drift.missing:${key}`;
  }
  // Wrong type: numbers become strings, strings become numbers, objects become strings.
  const value = record[key];
  if (typeof value === 'number') record[key] = String(value);
  else if (typeof value === 'string')
    record[key] = Number.isFinite(Number(value)) && value !== '' ? Number(value) : 12345;
  else if (typeof value === 'boolean') record[key] = value ? 'true' : 'false';
  else record[key] = JSON.stringify(value);
  return `drift.type:${key}`;
}
