// Who the token belongs to. `oc whoami` asks SelfSubjectReview (Kubernetes 1.28+) and falls back to
// OpenShift's `users/~` on clusters without it; a 401 from either means the token is not valid.
import { KubernetesError } from '../errors';
import type { OpenShiftClient } from './api';

interface SelfSubjectReview {
  status?: { userInfo?: { username?: string; groups?: string[] } };
}

export async function whoami(client: OpenShiftClient): Promise<string> {
  try {
    const review = await client.post<SelfSubjectReview>('/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      kind: 'SelfSubjectReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: {},
    });
    const name = review.status?.userInfo?.username;
    if (name) return name;
  } catch (e) {
    if (e instanceof KubernetesError && e.status === 401) throw e;
    // 404 (older cluster) or 403: ask the OpenShift user API instead
  }
  const user = await client.get<{ metadata: { name: string } }>('/apis/user.openshift.io/v1/users/~');
  return user.metadata.name;
}
