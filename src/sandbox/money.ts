/**
 * Money as decimal strings built from integer minor units (never floats), docs/tiktok-api.md#field-conventions.
 */

/** Minor-unit exponent per currency; IDR, VND and JPY have no decimals in TikTok payloads. */
const DECIMALS: Record<string, number> = { IDR: 0, VND: 0, JPY: 0 };

export function decimalsOf(currency: string): number {
  return DECIMALS[currency] ?? 2;
}

/** 12345 minor units of USD -> "123.45"; of IDR -> "12345". Hot path: plain integer arithmetic. */
export function formatMinor(minor: number, currency: string): string {
  const decimals = decimalsOf(currency);
  const negative = minor < 0;
  const abs = Math.abs(Math.round(minor));
  if (decimals === 0) return negative ? `-${abs}` : String(abs);
  if (decimals === 2) {
    const cents = abs % 100;
    const text = `${(abs - cents) / 100}.${cents < 10 ? '0' : ''}${cents}`;
    return negative ? `-${text}` : text;
  }
  const scale = 10 ** decimals;
  const whole = Math.floor(abs / scale);
  const frac = String(abs % scale).padStart(decimals, '0');
  return `${negative ? '-' : ''}${whole}.${frac}`;
}

/**
 * Localized IDR display amount as in the official creator-orders example ("Rp9.900" = 9900 IDR,
 * dot as thousands separator), docs/tiktok-api.md#creator-orders / docs/tiktok-api.md#field-conventions. Only some creator records carry this form.
 */
export function formatLocalizedIdr(minor: number): string {
  const digits = String(Math.abs(Math.round(minor)));
  let grouped = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) grouped += '.';
    grouped += digits[i];
  }
  return `Rp${grouped}`;
}

/** base * bps / 10000, rounded half up in minor units. */
export function applyBps(baseMinor: number, bps: number): number {
  return Math.round((baseMinor * bps) / 10000);
}

export function money(minor: number, currency: string): { amount: string; currency: string } {
  return { amount: formatMinor(minor, currency), currency };
}
