// The subset of Kubernetes and OpenShift API objects the extension reads and writes, typed as the
// server sends them (JSON field names unchanged), so objects pass through untouched when PUT back.

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

export interface ObjectReference {
  kind: string;
  name: string;
  namespace?: string;
}

export interface ListOf<T> {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion?: string; continue?: string };
  items: T[];
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { name?: string; group?: string; kind?: string; causes?: unknown[]; [key: string]: unknown };
  code: number;
}

// --- image.openshift.io/v1 -------------------------------------------------------------------

export interface TagImportPolicy {
  insecure?: boolean;
  scheduled?: boolean;
  importMode?: 'Legacy' | 'PreserveOriginal';
}

export interface TagReferencePolicy {
  type: 'Source' | 'Local' | '';
}

export interface TagReference {
  name: string;
  annotations?: Record<string, string> | null;
  from?: ObjectReference | null;
  reference?: boolean;
  generation?: number | null;
  importPolicy?: TagImportPolicy;
  referencePolicy?: TagReferencePolicy;
}

export interface TagEvent {
  created: string;
  dockerImageReference: string;
  image: string;
  generation: number;
}

export interface TagEventCondition {
  type: 'ImportSuccess' | string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
  generation: number;
}

export interface NamedTagEventList {
  tag: string;
  items: TagEvent[] | null;
  conditions?: TagEventCondition[];
}

export interface ImageStream {
  kind?: 'ImageStream';
  apiVersion?: string;
  metadata: ObjectMeta;
  spec: {
    lookupPolicy?: { local: boolean };
    dockerImageRepository?: string;
    tags?: TagReference[] | null;
  };
  status?: {
    dockerImageRepository?: string;
    publicDockerImageRepository?: string;
    tags?: NamedTagEventList[] | null;
  };
}

export interface Image {
  metadata: ObjectMeta;
  dockerImageReference?: string;
  dockerImageMetadata?: Record<string, unknown>;
  dockerImageManifestMediaType?: string;
  [key: string]: unknown;
}

export interface ImageStreamTag {
  kind?: 'ImageStreamTag';
  apiVersion?: string;
  metadata: ObjectMeta;
  tag: TagReference | null;
  generation?: number;
  conditions?: TagEventCondition[];
  /** Set by the server on reads; absent in a PUT. */
  image?: Image;
  lookupPolicy?: { local: boolean };
}

export interface ImageImportSpec {
  from: ObjectReference;
  to?: { name: string };
  importPolicy?: TagImportPolicy;
  referencePolicy?: TagReferencePolicy;
  includeManifest?: boolean;
}

export interface ImageImportStatus {
  status: Status;
  image?: Image;
  tag?: string;
}

export interface ImageStreamImport {
  kind: 'ImageStreamImport';
  apiVersion: 'image.openshift.io/v1';
  metadata: ObjectMeta;
  spec: {
    import: boolean;
    images?: ImageImportSpec[];
    repository?: { from: ObjectReference; importPolicy?: TagImportPolicy; referencePolicy?: TagReferencePolicy; includeManifest?: boolean };
  };
  status?: {
    import?: ImageStream;
    images?: ImageImportStatus[];
    repository?: { status: Status; images?: ImageImportStatus[]; additionalTags?: string[] };
  };
}

// --- project / core ---------------------------------------------------------------------------

export interface Project {
  metadata: ObjectMeta;
  status?: { phase?: string };
}

export interface Secret {
  kind?: 'Secret';
  apiVersion?: 'v1';
  metadata: ObjectMeta;
  type?: string;
  data?: Record<string, string>;
}

export interface ServiceAccount {
  kind?: 'ServiceAccount';
  apiVersion?: 'v1';
  metadata: ObjectMeta;
  secrets?: { name: string }[];
  imagePullSecrets?: { name: string }[];
  [key: string]: unknown;
}

// --- rbac.authorization.k8s.io/v1 --------------------------------------------------------------

export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  apiGroup?: string;
  name: string;
  namespace?: string;
}

export interface RoleBinding {
  kind?: 'RoleBinding';
  apiVersion?: 'rbac.authorization.k8s.io/v1';
  metadata: ObjectMeta;
  subjects?: Subject[] | null;
  roleRef: { apiGroup: 'rbac.authorization.k8s.io'; kind: 'ClusterRole' | 'Role'; name: string };
}

// --- route.openshift.io/v1, config.openshift.io/v1 ---------------------------------------------

export interface Route {
  metadata: ObjectMeta;
  spec: { host?: string; to?: ObjectReference; tls?: Record<string, unknown> };
  status?: Record<string, unknown>;
}

export interface ImageConfig {
  metadata: ObjectMeta;
  spec?: Record<string, unknown>;
  status?: { internalRegistryHostname?: string; externalRegistryHostnames?: string[] };
}
