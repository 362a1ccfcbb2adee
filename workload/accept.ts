// Content negotiation for GET /: JSON only when the client asks for it at least as much as text.

/**
 * True when the Accept header prefers application/json over text/plain (wildcards count for
 * text, since text is what we serve by default). A missing header or one without "json" is
 * answered by one case-insensitive search, so the common case costs no parsing.
 */
const MENTIONS_JSON = /json/i;

export function prefersJson(accept: string | undefined): boolean {
  if (accept === undefined || !MENTIONS_JSON.test(accept)) return false;
  let jsonQ = 0;
  let textQ = 0;
  for (const range of accept.split(',')) {
    const [typePart = '', ...params] = range.split(';');
    const type = typePart.trim().toLowerCase();
    const q = quality(params);
    if (type === 'application/json') jsonQ = Math.max(jsonQ, q);
    else if (type === 'text/plain' || type === 'text/*' || type === '*/*') textQ = Math.max(textQ, q);
  }
  return jsonQ > 0 && jsonQ >= textQ;
}

function quality(params: string[]): number {
  for (const p of params) {
    const [k = '', v = ''] = p.split('=');
    if (k.trim().toLowerCase() === 'q') {
      const q = Number(v.trim());
      return Number.isFinite(q) && q >= 0 && q <= 1 ? q : 0;
    }
  }
  return 1;
}
