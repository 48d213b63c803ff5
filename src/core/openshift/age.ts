// Ages as oc prints them (docker/go-units HumanDuration): "Less than a second", "5 minutes",
// "About an hour", "3 days", "2 weeks", "4 months", "2 years"; callers add " ago".

export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(ms / 3_600_000) / 24 / 365)} years`;
}

/** `5 minutes ago` for an RFC 3339 time, relative to `now`. */
export function ago(time: string | undefined, now: Date): string {
  const t = time ? Date.parse(time) : NaN;
  return `${humanDuration(Number.isNaN(t) ? 0 : now.getTime() - t)} ago`;
}
