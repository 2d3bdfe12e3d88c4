import { summarise } from '../domain/assemble-plan.js';
import type { PlanRequest } from '../http/schemas/plan-request.js';
import type { PlanResult, UnassignedCase } from '../http/schemas/plan-result.js';

/**
 * One plan from the plans of a request's regions. A case that no region
 * accounts for (it cannot happen, but the promise "every case exactly once"
 * is checked here rather than trusted) is reported unassigned.
 */
export function mergePlans(req: PlanRequest, parts: readonly PlanResult[]): PlanResult {
  const itineraries = parts.flatMap((p) => p.itineraries).sort((a, b) => (a.executiveId < b.executiveId ? -1 : a.executiveId > b.executiveId ? 1 : 0));
  const seen = new Set<string>();
  for (const it of itineraries) for (const s of it.stops) if (s.caseId !== undefined) seen.add(s.caseId);
  const unassigned: UnassignedCase[] = [];
  for (const p of parts) for (const u of p.unassigned) if (!seen.has(u.caseId)) (seen.add(u.caseId), unassigned.push(u));
  for (const c of req.cases) {
    if (!seen.has(c.id)) unassigned.push({ caseId: c.id, location: { lat: c.location.lat, lng: c.location.lng }, reason: 'no_room_in_plan', detail: 'no region of the split request took the case' });
  }
  const order = new Map(req.cases.map((c, i) => [c.id, i]));
  unassigned.sort((a, b) => order.get(a.caseId)! - order.get(b.caseId)!);
  const engines = new Set(parts.map((p) => p.summary.routingEngine));
  return {
    date: req.date,
    timezone: req.timezone,
    itineraries,
    unassigned,
    summary: summarise(req, itineraries, unassigned, {
      solveSeconds: Math.max(0, ...parts.map((p) => p.summary.solveSeconds)),
      routingEngine: engines.has('great-circle') ? 'great-circle' : engines.has('osrm') ? 'osrm' : 'matrix',
      warnings: parts.flatMap((p) => p.summary.warnings),
      stopReason: [...new Set(parts.map((p) => p.summary.stopReason))].join(','),
      regions: parts.length,
    }),
  };
}
