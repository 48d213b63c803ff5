// How image stream tags, their history and the registry role grants read as rows: the text of
// `oc describe is`, shortened only where a side bar needs it. Pure, unit-tested.
import type { DescribedTag, HistoryItem, RoleGrant, Subject } from '../../core/openshift';
import { subjectLabel } from '../../core/openshift';

export interface RowText {
  label: string;
  description: string;
  tooltip: string;
}

/** `10-SCL (latest)`, described by where it comes from; a failed import puts the server's message first. */
export function tagRow(stream: string, t: DescribedTag): RowText {
  const lines = [`${stream}:${t.heading}`, t.sourceLine, ...t.notes.map((n) => `  ${n}`)];
  if (t.importing) lines.push('~ importing latest image ...');
  for (const f of t.failures) lines.push(`${f.text} (${f.age})`);
  const current = t.history[0];
  if (current) lines.push(`* ${current.dockerImageReference}`, `  ${current.age}`);
  if (t.description) lines.push('', t.description);
  return { label: t.heading, description: t.sourceLine, tooltip: lines.join('\n') };
}

/** The short image ID, as in `sha256:4bd26aef1ce7`. */
export function shortImageId(image: string): string {
  const colon = image.indexOf(':');
  return colon < 0 ? image.slice(0, 12) : image.slice(0, colon + 13);
}

/** `* sha256:4bd26aef1ce7` for the current image (as oc marks it), the age beside it. */
export function historyRow(h: HistoryItem): RowText {
  const id = h.image || h.dockerImageReference;
  return {
    label: `${h.current ? '* ' : ''}${h.image ? shortImageId(h.image) : id}`,
    description: h.current ? `${h.age} · current` : h.age,
    tooltip: [
      h.dockerImageReference,
      h.image,
      `created ${h.created} (${h.age})`,
      h.current ? 'the image this tag points at now' : 'an earlier image of this tag',
    ]
      .filter(Boolean)
      .join('\n'),
  };
}

export interface GrantRow {
  role: string;
  binding: string;
  subject: Subject;
  text: RowText;
}

/** One row per subject of each binding: `alice` — `system:image-puller`. */
export function grantRows(grants: readonly RoleGrant[]): GrantRow[] {
  const rows: GrantRow[] = [];
  for (const g of grants) {
    for (const subject of g.subjects) {
      const label = subjectLabel(subject);
      rows.push({
        role: g.role,
        binding: g.binding,
        subject,
        text: {
          label,
          description: g.binding === g.role ? g.role : `${g.role} (${g.binding})`,
          tooltip: `${subject.kind} ${label} has the role ${g.role} through the RoleBinding ${g.binding}`,
        },
      });
    }
  }
  return rows.sort((a, b) => (a.role === b.role ? a.text.label.localeCompare(b.text.label) : a.role.localeCompare(b.role)));
}
