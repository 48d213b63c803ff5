import type { SearchApi } from '../../core/registry/search';
import type { ConfiguredRegistry } from '../registry-settings';

/** The search API a configured registry has, by its kind (quay.io is guessed as Quay). */
export function searchApiOf(registry: ConfiguredRegistry): SearchApi | undefined {
  return registry.kind === 'quay' || registry.kind === 'harbor' ? registry.kind : undefined;
}
