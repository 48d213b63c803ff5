// The projects a user may see. OpenShift's project API filters by the user's access; on a cluster
// without it (404) or when it is refused (403), fall back to namespaces as `oc projects` does.
import { KubernetesError } from '../errors';
import type { OpenShiftClient } from './api';
import type { ListOf, Project } from './types';

export interface ProjectInfo {
  name: string;
  /** `openshift.io/display-name`, when set. */
  displayName?: string;
  /** `Active` or `Terminating`. */
  phase?: string;
  /** Where the list came from: the project API or the namespace fallback. */
  source: 'projects' | 'namespaces';
}

export async function listProjects(client: OpenShiftClient): Promise<ProjectInfo[]> {
  let list: ListOf<Project>;
  let source: ProjectInfo['source'] = 'projects';
  try {
    list = await client.get<ListOf<Project>>('/apis/project.openshift.io/v1/projects');
  } catch (e) {
    if (!(e instanceof KubernetesError) || (e.status !== 403 && e.status !== 404)) throw e;
    source = 'namespaces';
    list = await client.get<ListOf<Project>>('/api/v1/namespaces');
  }
  return (list.items ?? [])
    .map((p) => ({
      name: p.metadata.name,
      displayName: p.metadata.annotations?.['openshift.io/display-name'] || undefined,
      phase: p.status?.phase,
      source,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
