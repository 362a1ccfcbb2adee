import { describe, expect, it } from 'vitest';
import { hello, LONGEST_NAME, settings } from './fixtures.ts';
import { revisionOf } from './revision.ts';

describe('revisionOf', () => {
  const name = (spec = {}, hsName = 'hello') => revisionOf(hello(spec, { name: hsName }), settings).name;

  it('is named by the message and the image: the same spec, the same revision', () => {
    expect(name({ message: 'a' })).toBe(name({ message: 'a' }));
    expect(name({ message: 'a' })).not.toBe(name({ message: 'b' }));
    expect(name({ message: 'a' })).not.toBe(name({ message: 'a', image: 'example/other:2' }));
    expect(name({ message: 'a' })).toMatch(/^hello-[0-9a-f]{10}$/);
  });

  it('fits a DNS-1035 label for the longest HelloService name, and never collides with a neighbour', () => {
    const long = name({}, LONGEST_NAME);
    expect(long).toMatch(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
    expect(long).not.toBe(name({}, `${LONGEST_NAME.slice(0, -1)}c`));
  });

  it('says what it runs: the image (the default when spec.image is unset) and the message digest', () => {
    const r = revisionOf(hello({ message: 'Hello\nsecond line' }), settings);
    expect(r.image).toBe(settings.workloadImage);
    expect(r.messageDigest).toMatch(/^[0-9a-f]{16}$/);
    expect(r.messagePreview).toBe('Hello…');
  });
});
