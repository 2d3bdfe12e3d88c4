import type { Solution, UnassignedReason } from '../../solver/index.js';
import type { PlanRequest } from '../http/schemas/plan-request.js';
import type { Itinerary, PlanResult, Stop, UnassignedCase, UnassignedCaseReason } from '../http/schemas/plan-result.js';
import type { RoutingEngine } from '../routing/provider.js';
import type { MappedProblem } from './build-problem.js';
import { defaultPriority } from './priority.js';

const REASON_FROM_SOLVER: Record<UnassignedReason, UnassignedCaseReason> = {
  no_vehicle_with_skills: 'no_executive_with_skills',
  no_time_window_reachable: 'no_time_window_reachable',
  over_capacity: 'over_capacity',
  over_max_distance: 'over_max_distance',
  pinned_vehicle_cannot_serve: 'pinned_executive_cannot_serve',
  max_jobs_reached: 'max_visits_reached',
  dropped_for_priority: 'dropped_for_priority',
  no_room_in_plan: 'no_room_in_plan',
};

const DETAIL: Record<UnassignedCaseReason, string> = {
  no_executive_with_skills: 'no executive has every required skill',
  outside_territory: 'outside the territories of the executives with the skills',
  outside_contact_hours: 'no room for the visit inside contact hours',
  no_time_window_reachable: 'no eligible executive can reach it inside a window and finish the shift',
  over_capacity: 'more asset units than any eligible executive can carry',
  over_max_distance: "beyond every eligible executive's maximum distance",
  pinned_executive_cannot_serve: 'the pinned executive cannot serve it',
  max_visits_reached: 'every eligible executive is at its maximum number of visits',
  location_not_routable: 'its location cannot be placed on a road',
  dropped_for_priority: 'the day is full of higher-priority cases',
  no_room_in_plan: 'it fits no plan together with the rest of the day',
};

const round = (x: number, digits = 0): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

export interface AssembleMeta {
  readonly solveSeconds: number;
  readonly stopReason: string;
  readonly regions?: number;
  readonly extraWarnings?: readonly string[];
  /** Share of the full search that ran (1 unless shortened under load). */
  readonly searchEffort?: number;
}

/**
 * Solver solution → plan. Every case ends up exactly once: in one visit or in
 * `unassigned`. Times are exact solver seconds printed as ISO instants, so a
 * reader can recompute every leg from the matrix.
 */
export function assemblePlan(req: PlanRequest, mapped: MappedProblem, sol: Solution, meta: AssembleMeta): PlanResult {
  const { clock, locations } = mapped;
  const point = (l: number): { lat: number; lng: number } => {
    const p = locations.points[l]!;
    return { lat: p.lat, lng: p.lng };
  };
  const itineraries: Itinerary[] = [];
  for (const route of sol.routes) {
    const ei = mapped.vehicleExec[route.vehicle]!;
    const exec = req.executives[ei]!;
    const stops: Stop[] = [];
    let priority = 0;
    let overdue = 0;
    let units = 0;
    let visits = 0;
    for (const s of route.steps) {
      const base = {
        location: point(s.location),
        arrival: clock.toIso(s.arrival),
        departure: clock.toIso(s.departure),
        waitSeconds: round(s.wait, 3),
        travelSecondsFromPrevious: round(s.travelTimeFromPrevious, 3),
        distanceMetersFromPrevious: round(s.distanceFromPrevious, 1),
      };
      if (s.kind === 'job') {
        const ci = mapped.jobCase[s.index]!;
        const c = req.cases[ci]!;
        visits++;
        priority += mapped.priorities[ci]!;
        overdue += c.overdueAmount ?? 0;
        units += c.assetUnits;
        stops.push({
          kind: 'visit',
          caseId: c.id,
          ...base,
          start: clock.toIso(s.start),
          priority: mapped.priorities[ci]!,
          mustVisit: c.mustVisit,
          ...(c.debtor ? { debtor: c.debtor } : {}),
          ...(c.address !== undefined ? { address: c.address } : {}),
        });
      } else if (s.kind === 'break') stops.push({ kind: 'break', ...base, start: clock.toIso(s.start) });
      else stops.push({ kind: s.kind, ...base });
    }
    itineraries.push({
      executiveId: exec.id,
      travelMode: exec.travelMode,
      stops,
      distanceMeters: round(route.distance, 1),
      travelSeconds: round(route.travelTime, 3),
      visits,
      priority: round(priority, 3),
      overdueAmount: overdue,
      assetUnits: units,
    });
  }

  const unassigned: UnassignedCase[] = [];
  const caseDetail = (ci: number, reason: UnassignedCaseReason, detail?: string): UnassignedCase => ({
    caseId: req.cases[ci]!.id,
    location: { lat: req.cases[ci]!.location.lat, lng: req.cases[ci]!.location.lng },
    reason,
    detail: detail ?? DETAIL[reason],
  });
  for (const p of mapped.preUnassigned) unassigned.push(caseDetail(p.caseIndex, p.reason, p.detail));
  for (const u of sol.unassigned) unassigned.push(caseDetail(mapped.jobCase[u.job]!, REASON_FROM_SOLVER[u.reason]));
  return finishPlan(req, itineraries, unassigned, {
    solveSeconds: meta.solveSeconds,
    routingEngine: mapped.routingEngine,
    warnings: [...mapped.warnings, ...(meta.extraWarnings ?? [])],
    stopReason: meta.stopReason,
    regions: meta.regions ?? 1,
    searchEffort: meta.searchEffort ?? 1,
  });
}

type SummaryMeta = Parameters<typeof summarise>[3];

/** The plan in its stable order: itineraries by executive id, unassigned cases in request order. */
export function finishPlan(req: PlanRequest, itineraries: Itinerary[], unassigned: UnassignedCase[], meta: SummaryMeta): PlanResult {
  itineraries.sort((a, b) => (a.executiveId < b.executiveId ? -1 : a.executiveId > b.executiveId ? 1 : 0));
  const order = new Map(req.cases.map((c, i) => [c.id, i]));
  unassigned.sort((a, b) => order.get(a.caseId)! - order.get(b.caseId)!);
  return { date: req.date, timezone: req.timezone, itineraries, unassigned, summary: summarise(req, itineraries, unassigned, meta) };
}

/** The engine a plan's travel came from when parts disagree: any estimate makes the whole an estimate. */
export function weakestEngine(engines: Iterable<RoutingEngine>): RoutingEngine {
  const all = new Set(engines);
  return all.has('great-circle') ? 'great-circle' : all.has('osrm') ? 'osrm' : 'matrix';
}

export function summarise(
  req: PlanRequest,
  itineraries: readonly Itinerary[],
  unassigned: readonly UnassignedCase[],
  meta: {
    solveSeconds: number;
    routingEngine: PlanResult['summary']['routingEngine'];
    warnings: readonly string[];
    stopReason: string;
    regions: number;
    searchEffort: number;
  },
): PlanResult['summary'] {
  const missed = new Set(unassigned.map((u) => u.caseId));
  let priorityTotal = 0;
  for (const c of req.cases) priorityTotal += c.priority ?? defaultPriority(c.overdueAmount, c.dpd);
  return {
    cases: req.cases.length,
    assigned: itineraries.reduce((s, i) => s + i.visits, 0),
    unassigned: unassigned.length,
    executives: req.executives.length,
    executivesUsed: itineraries.length,
    priorityPlanned: round(itineraries.reduce((s, i) => s + i.priority, 0), 3),
    priorityTotal: round(priorityTotal, 3),
    overdueAmountPlanned: itineraries.reduce((s, i) => s + i.overdueAmount, 0),
    distanceMeters: round(itineraries.reduce((s, i) => s + i.distanceMeters, 0), 1),
    travelSeconds: round(itineraries.reduce((s, i) => s + i.travelSeconds, 0), 3),
    solveSeconds: round(meta.solveSeconds, 3),
    mustVisitMissed: req.cases.filter((c) => c.mustVisit && missed.has(c.id)).map((c) => c.id),
    routingEngine: meta.routingEngine,
    objective: req.options.objective,
    regions: meta.regions,
    stopReason: meta.stopReason,
    searchEffort: round(meta.searchEffort, 3),
    warnings: [...new Set(meta.warnings)],
  };
}
