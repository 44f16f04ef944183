/**
 * JSON.parse for bodies that carry 64-bit ids as JSON NUMBERS (the creator trace order search types
 * `orders[].id` as a number; its ids have 19 digits). JSON.parse reads every number as a double,
 * exact only up to 2^53, so such an id would come back as a different order id: silently, a wrong
 * key in the warehouse.
 *
 * Why a pre-parse of our own and no library: the two maintained choices (lossless-json, json-bigint)
 * turn EVERY number into a wrapper or a BigInt, or need a reviver per field, and either is a new
 * dependency for one endpoint. What is needed is narrower: an integer literal too large for a
 * double to hold is kept as its exact digits, a string, which is what every other order search
 * returns ids as. The scan below walks the text once, knows when it is inside a string (escapes
 * included), and quotes only integer literals beyond Number.MAX_SAFE_INTEGER; fractions, exponents
 * and safe integers are left to JSON.parse untouched, and any malformed text still fails in
 * JSON.parse with its usual error.
 */

/** Integer literals with fewer digits than this are always safe (2^53 has 16 digits). */
const MIN_UNSAFE_DIGITS = 16;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `text` with every integer literal outside Number's safe range turned into a JSON string. */
export function quoteUnsafeIntegers(text: string): string {
  let out = '';
  let copied = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // Skip the string: a backslash escapes the next character, whatever it is.
      i += 1;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i += 2;
        else if (d === 34) break;
        else i += 1;
      }
      i += 1;
      continue;
    }
    if (c === 45 /* - */ || isDigit(c)) {
      const start = i;
      i += 1;
      while (i < n && isDigit(text.charCodeAt(i))) i += 1;
      const next = i < n ? text.charCodeAt(i) : -1;
      const fraction = next === 46 /* . */ || next === 101 /* e */ || next === 69; /* E */
      if (fraction) {
        while (i < n && /[0-9.eE+-]/.test(text[i] as string)) i += 1;
        continue;
      }
      const literal = text.slice(start, i);
      const digits = literal.startsWith('-') ? literal.length - 1 : literal.length;
      if (digits >= MIN_UNSAFE_DIGITS && !Number.isSafeInteger(Number(literal))) {
        out += `${text.slice(copied, start)}"${literal}"`;
        copied = i;
      }
      continue;
    }
    i += 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** JSON.parse that keeps integers beyond 2^53 exact, as strings of their digits. */
export function parseJsonKeepingBigIntegers(text: string): unknown {
  return JSON.parse(quoteUnsafeIntegers(text));
}
