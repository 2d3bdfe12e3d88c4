import { finishPlan, weakestEngine } from '../domain/assemble-plan.js';
import type { PlanRequest } from '../http/schemas/plan-request.js';
import type { PlanResult, UnassignedCase } from '../http/schemas/plan-result.js';

/**
 * One plan from the plans of a request's regions. A case that no region
 * accounts for (it cannot happen, but the promise "every case exactly once"
 * is checked here rather than trusted) is reported unassigned.
 */
export function mergePlans(req: PlanRequest, parts: readonly PlanResult[]): PlanResult {
  const itineraries = parts.flatMap((p) => p.itineraries);
  const seen = new Set<string>();
  for (const it of itineraries) for (const s of it.stops) if (s.caseId !== undefined) seen.add(s.caseId);
  const unassigned: UnassignedCase[] = [];
  for (const p of parts) for (const u of p.unassigned) if (!seen.has(u.caseId)) (seen.add(u.caseId), unassigned.push(u));
  for (const c of req.cases) {
    if (!seen.has(c.id)) unassigned.push({ caseId: c.id, location: { lat: c.location.lat, lng: c.location.lng }, reason: 'no_room_in_plan', detail: 'no region of the split request took the case' });
  }
  return finishPlan(req, itineraries, unassigned, {
    solveSeconds: Math.max(0, ...parts.map((p) => p.summary.solveSeconds)),
    routingEngine: weakestEngine(parts.map((p) => p.summary.routingEngine)),
    warnings: parts.flatMap((p) => p.summary.warnings),
    stopReason: [...new Set(parts.map((p) => p.summary.stopReason))].join(','),
    regions: parts.length,
    searchEffort: Math.min(1, ...parts.map((p) => p.summary.searchEffort)),
  });
}
