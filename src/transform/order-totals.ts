/**
 * Order-level totals over the normalized lines of one order (seller and creator orders): exact sums,
 * null as soon as one line lacks the value or the lines disagree on the currency (a total across
 * currencies has no meaning; analysts can still sum the lines per currency).
 */
import { sumAmounts } from './parse-money.ts';
import type { Row } from './run.ts';
import { moneyCols } from './row-columns.ts';

export function moneyTotal(
  lines: readonly Row[],
  lineField: string,
  totalName: string,
): Record<string, string | null> {
  const amountCol = lineField.endsWith('_amount') ? lineField : `${lineField}_amount`;
  const currencyCol = `${lineField}_currency`;
  if (lines.length === 0) return moneyCols(totalName, { amount: null, currency: null });
  const currencies = new Set(lines.map((l) => l[currencyCol] ?? null));
  const amounts = lines.map((l) => (l[amountCol] ?? null) as string | null);
  const [currency] = currencies;
  if (currencies.size !== 1 || currency === null || amounts.includes(null)) {
    return moneyCols(totalName, { amount: null, currency: null });
  }
  return moneyCols(totalName, { amount: sumAmounts(amounts, totalName), currency: currency as string });
}

export function quantityTotal(lines: readonly Row[]): number | null {
  let total = 0;
  for (const l of lines) {
    const q = l['quantity'];
    if (typeof q !== 'number') return null;
    total += q;
  }
  // Each quantity is within int4; the sum of many may not be, and the column is integer.
  return total <= 2_147_483_647 ? total : null;
}
