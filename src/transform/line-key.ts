/**
 * `line_key` of a seller order line. The seller API has no sku id (docs/tiktok-api.md#seller-orders: "There is no sku `id`"),
 * so a line is identified by the fields that say WHAT was sold and WHO/WHAT it is attributed to:
 *
 *   base = first 16 hex chars of SHA-256( JSON.stringify([product_id, content_type, content_id,
 *          creator_username, campaign_id, open_collaboration_id, target_collaboration_id]) )
 *
 * (normalized values, absent ones as JSON null: JSON encoding cannot be ambiguous, unlike a plain
 * separator). Exact duplicates of those fields inside one order are told apart by an ordinal in order
 * of appearance: the first keeps `base`, the n-th (n >= 2) becomes `base#n`.
 *
 * Why these fields: they are fixed when the order is placed; amounts, statuses and quantities change
 * during settlement and must not change the key. Stability: a line's key depends only on its own
 * identifying fields and on how many identical lines precede it, so adding, removing or reordering
 * OTHER lines never changes it. Limitation: if the API reorders or drops one of several identical
 * lines, their ordinals may swap or the last `#n` row may remain; identical lines are
 * indistinguishable by definition, so only such a swap of their measures could ever be mis-assigned.
 * 64 bits of hash make a collision between distinct lines of one order negligible.
 */
import { createHash } from 'node:crypto';

export interface LineIdentity {
  product_id: string | null;
  content_type: string | null;
  content_id: string | null;
  creator_username: string | null;
  campaign_id: string | null;
  open_collaboration_id: string | null;
  target_collaboration_id: string | null;
}

export function lineKeyBase(line: LineIdentity): string {
  const fields = [
    line.product_id,
    line.content_type,
    line.content_id,
    line.creator_username,
    line.campaign_id,
    line.open_collaboration_id,
    line.target_collaboration_id,
  ];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex').slice(0, 16);
}

/** Keys for the lines of one order, in the order given (see the rule above). */
export function lineKeys(lines: readonly LineIdentity[]): string[] {
  const seen = new Map<string, number>();
  return lines.map((line) => {
    const base = lineKeyBase(line);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}#${n}`;
  });
}
