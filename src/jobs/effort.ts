/**
 * Load shedding for plans a client is waiting on (`?wait`): when more plans
 * are queued for a solver than `backlog`, a held plan runs a shorter search,
 * in proportion, down to `min` of the full one. A coordinator then gets a
 * plan in about a second instead of queueing behind everyone else; the plan
 * says so in its summary. Plans nobody waits on always get the full search.
 */
export interface EffortPolicy {
  /** Smallest share of the full search (1: never shorten). */
  readonly min: number;
  /** Plans waiting for a solver that the full search tolerates. */
  readonly backlog: number;
}

export function searchEffort(waiting: number, policy: EffortPolicy): number {
  if (policy.min >= 1 || waiting <= policy.backlog) return 1;
  return Math.max(policy.min, policy.backlog / waiting);
}

export function effortWarning(effort: number, waiting: number): string {
  return `search shortened to ${Math.round(effort * 100)}% of its usual length: ${waiting} plans were waiting for a solver`;
}
