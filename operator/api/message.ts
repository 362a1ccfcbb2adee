// What `kubectl get hs` shows of a message: its first line, cut short.

export const PREVIEW_LENGTH = 40;

/** The first non-blank line of `message`, at most PREVIEW_LENGTH characters (code points, so that an
 * emoji is never split), ending in "…" when anything was left out. */
export function messagePreview(message: string): string {
  const lines = message.split(/\r?\n/);
  const first = lines.find((line) => line.trim() !== '')?.trim() ?? '';
  const chars = [...first];
  const more = chars.length > PREVIEW_LENGTH || lines.filter((l) => l.trim() !== '').length > 1;
  if (!more) return first;
  return `${chars.slice(0, PREVIEW_LENGTH - 1).join('')}…`;
}
