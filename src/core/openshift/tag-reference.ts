// Following alias tags inside one image stream (`latest` -> ImageStreamTag `10-SCL`), as oc does for
// describe and import: an alias of the same stream is followed, anything else ends the walk.
import type { ImageStream, TagReference } from './types';

export interface FollowedTag {
  /** The last tag reached. */
  tag: string;
  ref?: TagReference;
  /** True when at least one alias was followed. */
  multiple: boolean;
  error?: 'circular' | 'not-found' | 'cross-stream' | 'invalid';
}

export function specTag(stream: ImageStream, name: string): TagReference | undefined {
  return (stream.spec.tags ?? []).find((t) => t.name === name);
}

export function followTagReference(stream: ImageStream, start: string): FollowedTag {
  let tag = start;
  let multiple = false;
  const seen = new Set<string>();
  for (;;) {
    if (seen.has(tag)) return { tag, multiple, error: 'circular' };
    seen.add(tag);
    const ref = specTag(stream, tag);
    if (!ref) return { tag, multiple, error: 'not-found' };
    if (!ref.from || ref.from.kind !== 'ImageStreamTag') return { tag, ref, multiple };
    if (ref.from.namespace && ref.from.namespace !== stream.metadata.namespace) return { tag, multiple, error: 'cross-stream' };
    const name = ref.from.name;
    const colon = name.indexOf(':');
    if (colon >= 0) {
      const is = name.slice(0, colon);
      const t = name.slice(colon + 1) || 'latest';
      if (!is) return { tag, multiple, error: 'invalid' };
      if (is !== stream.metadata.name) return { tag, multiple, error: 'cross-stream' };
      tag = t;
    } else {
      tag = name;
    }
    multiple = true;
  }
}
