/**
 * The one error a field parser raises. It never leaves src/transform: the per-record runner turns it
 * into a RejectedRecord (reason + detail) so the rest of the page goes on (docs/architecture.md#invariant-6-bad-records-are-quarantined).
 */
export class RecordRejection extends Error {
  override readonly name = 'RecordRejection';
  constructor(
    /** Machine-friendly, e.g. `bad_money:skus[0].price.amount`. */
    readonly reason: string,
    /** Human-readable explanation for the quarantine table; never contains secrets (records have none). */
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

export function reject(reason: string, detail: string): never {
  throw new RecordRejection(reason, detail);
}

/** Short, printable rendering of an offending value for `detail` (bounded: values may be huge). */
export function preview(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
