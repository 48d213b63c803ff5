// Every tree row's id is built here and nowhere else, so two kinds of row can never collide and
// code that forgets a subtree (a refresh, a login change) matches the ids the rows really have.
// VS Code refuses a second row with an id it already shows, so each id names the row's whole path.

/** Registries view. */
export const registryId = (host: string): string => `registry:${host}`;
/** `namespace` without its trailing slash; the id has one, so `team/` never equals a repository `team`. */
export const namespaceId = (host: string, namespace: string): string => `ns:${host}/${namespace}/`;
export const repositoryId = (host: string, repository: string): string => `repo:${host}/${repository}`;
export const tagId = (host: string, repository: string, tag: string): string => `tag:${host}/${repository}:${tag}`;
/** The tag is part of the id: two tags naming one index show the same platforms twice. */
export const platformId = (host: string, repository: string, tag: string, digest: string): string => `platform:${host}/${repository}:${tag}@${digest}`;
export const loadMoreId = (parentId: string): string => `more:${parentId}`;
export const messageId = (scope: string, message: string): string => `msg:${scope}:${message}`;
export const errorId = (parentId: string): string => `error:${parentId}`;

/** The prefix shared by the ids of every tag of one repository (or of one registry when `repository` is undefined). */
export const tagIdPrefix = (host: string, repository?: string): string => (repository ? `tag:${host}/${repository}:` : `tag:${host}/`);

/** OpenShift Clusters view. */
export const clusterId = (contextName: string): string => `cluster:${contextName}`;
export const projectId = (contextName: string, project: string): string => `project:${contextName}/${project}`;
export const registryAccessId = (contextName: string, namespace: string): string => `access:${contextName}/${namespace}`;
export const imageStreamId = (contextName: string, namespace: string, name: string): string => `is:${contextName}/${namespace}/${name}`;
export const imageStreamTagId = (contextName: string, namespace: string, stream: string, tag: string): string =>
  `istag:${contextName}/${namespace}/${stream}:${tag}`;
/** One history entry of an image stream tag: its position keeps two entries naming one image apart. */
export const tagHistoryId = (tagNodeId: string, position: number, image: string): string => `${tagNodeId}#${position}:${image}`;
export const roleGrantId = (parentId: string, binding: string, label: string): string => `${parentId}/${binding}/${label}`;
