// Kubernetes resource quantities ("500m", "64Mi", "1.5G"), parsed just far enough to compare two of
// them the way the CEL `quantity()` library does in the CRD rules.

// The grammar the API server accepts for a quantity, without a sign (negative sizes make no sense
// here), and with an exponent of at most two digits: the API server's quantity() takes `1e2147483647`
// and then computes 10^2147483647, using a core for minutes per request; the pattern is checked
// before any CEL rule runs.
export const QUANTITY_PATTERN =
  '^(([0-9]+([.][0-9]*)?)|([.][0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?[0-9]{1,2}))?$';

const DECIMAL_EXPONENT: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_EXPONENT: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const NANOS_PER_UNIT = 10n ** 9n;
/** resource.Quantity caps a binary-suffixed value (64Gi, 9Ei) at the largest int64. */
const MAX_BINARY_NANOS = (2n ** 63n - 1n) * NANOS_PER_UNIT;

/**
 * A quantity's exact value in nano-units, as the API server's resource.Quantity (and so CEL's
 * quantity()) holds it: a non-zero value below 1n rounds up to 1n (any fraction of a nano-unit
 * rounds up), and one with a binary suffix is capped at 2^63-1 units. Undefined when it is not a
 * quantity. Floating point would not do: 1000000000000000001 and 1e18 are one number to it.
 */
export function quantityNanos(text: string): bigint | undefined {
  if (!new RegExp(QUANTITY_PATTERN).test(text)) return undefined;
  const [, whole = '', fraction = '', suffix = ''] = /^([0-9]*)(?:[.]([0-9]*))?(.*)$/.exec(text) ?? [];
  const binary = BINARY_EXPONENT[suffix];
  const exponent = binary === undefined ? (DECIMAL_EXPONENT[suffix] ?? Number(suffix.slice(1))) : 0;
  let numerator = BigInt(`${whole}${fraction}` || '0') * 2n ** BigInt(binary ?? 0);
  let denominator = 1n;
  const power = exponent - fraction.length + 9;
  if (power >= 0) numerator *= 10n ** BigInt(power);
  else denominator = 10n ** BigInt(-power);
  const nanos = (numerator + denominator - 1n) / denominator;
  return binary !== undefined && nanos > MAX_BINARY_NANOS ? MAX_BINARY_NANOS : nanos;
}

/** The value of a quantity as a number (for sizes; rounded), or undefined when the text is not one. */
export function parseQuantity(text: string): number | undefined {
  const nanos = quantityNanos(text);
  return nanos === undefined ? undefined : Number(nanos) / 1e9;
}

/** True when quantity a is greater than quantity b, as CEL's isGreaterThan; false when either does not parse. */
export function quantityGreater(a: string, b: string): boolean {
  const x = quantityNanos(a);
  const y = quantityNanos(b);
  return x !== undefined && y !== undefined && x > y;
}

/** A byte count as a quantity: in Mi when it is a whole number of them, else in bytes (rounded up). */
export function formatBytes(bytes: number): string {
  const mi = bytes / 2 ** 20;
  return Number.isInteger(mi) ? `${mi}Mi` : String(Math.ceil(bytes));
}
