// A revision: one message and one image, as the pods of one ReplicaSet run them (Knative's
// Revision, in spirit). Its name is also the name of its ConfigMap: immutable, named by content,
// so that the pods of every revision the Deployment still keeps read their own message.
import { createHash } from 'node:crypto';
import { messagePreview } from '../api/message.ts';
import type { DefaultedHelloService } from '../api/types.ts';
import { childName } from './names.ts';
import type { OperatorSettings } from './settings.ts';

/** Hex digits of the hash in a revision's name: 40 bits, no clash among a few revisions. */
const NAME_HASH_LENGTH = 10;

export type Revision = {
  /** `<child name>-<10 hex digits>`, at most 63 characters (a DNS-1035 label). */
  name: string;
  image: string;
  /** The SHA-256 of the message, the first 16 hex digits. */
  messageDigest: string;
  messagePreview: string;
};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The revision of the HelloService's current spec. The hash covers the whole child name, so a
 * child name cut to fit still gives two HelloServices revisions of their own.
 */
export function revisionOf(hs: DefaultedHelloService, settings: OperatorSettings): Revision {
  const child = childName(hs.metadata.name);
  const image = hs.spec.image ?? settings.workloadImage;
  const messageDigest = sha256(hs.spec.message).slice(0, 16);
  const hash = sha256(`${child}\0${image}\0${sha256(hs.spec.message)}`).slice(0, NAME_HASH_LENGTH);
  const prefix = child.slice(0, 63 - NAME_HASH_LENGTH - 1).replace(/-+$/, '');
  return {
    name: `${prefix}-${hash}`,
    image,
    messageDigest,
    messagePreview: messagePreview(hs.spec.message),
  };
}
