// Caps on what is read whole into memory. Everything read whole came from a registry or a file we do
// not control, so each kind has a ceiling no real image needs to reach (containers/image has the same
// ones for manifests and configs). Streams (layers) are not capped: they are verified as they pass.

/** An image config read whole: 4 MiB, as containers/image caps configs (the same as manifests). */
export const maxConfigBytes = 4 * 1024 * 1024;

/** An OCI layout's index.json: room for tens of thousands of named images. */
export const maxLayoutIndexBytes = 16 * 1024 * 1024;

/** An OCI layout's `oci-layout` marker, a one-field JSON object. */
export const maxLayoutMarkerBytes = 64 * 1024;
