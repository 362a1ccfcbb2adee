// Kubernetes resource quantities ("500m", "64Mi", "1.5G"), parsed just far enough to compare two of
// them the way the CEL `quantity()` library does in the CRD rules.

// The grammar the API server accepts for a quantity, without a sign (negative sizes make no sense here).
export const QUANTITY_PATTERN =
  '^(([0-9]+([.][0-9]*)?)|([.][0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?[0-9]+))?$';

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The value of a quantity as a number, or undefined when the text is not a quantity. */
export function parseQuantity(text: string): number | undefined {
  if (!new RegExp(QUANTITY_PATTERN).test(text)) return undefined;
  const match = /^([0-9.]+)(.*)$/.exec(text);
  if (!match) return undefined;
  const [, digits = '', suffix = ''] = match;
  if (/^[eE][+-]?[0-9]+$/.test(suffix)) return Number(digits + suffix);
  const factor = SUFFIX[suffix];
  return factor === undefined ? undefined : Number(digits) * factor;
}

/** True when quantity a is greater than quantity b; false when either does not parse. */
export function quantityGreater(a: string, b: string): boolean {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  return x !== undefined && y !== undefined && x > y;
}

/** A byte count as a quantity: in Mi when it is a whole number of them, else in bytes (rounded up). */
export function formatBytes(bytes: number): string {
  const mi = bytes / 2 ** 20;
  return Number.isInteger(mi) ? `${mi}Mi` : String(Math.ceil(bytes));
}
