import { booleanPointInPolygon, point as turfPoint } from '@turf/turf';
import type { Job, Problem, TimeWindow, Vehicle } from '../../solver/index.js';
import type { Case, Executive, PlanRequest } from '../http/schemas/plan-request.js';
import type { UnassignedCaseReason } from '../http/schemas/plan-result.js';
import type { LatLng, MatrixResult, RoutingEngine, TravelMode } from '../routing/provider.js';
import { weakestEngine } from './assemble-plan.js';
import { defaultPriority } from './priority.js';
import { DayClock } from './time.js';

/**
 * The collections day → solver problem. Ids, clock times, contact hours,
 * territories and skills are resolved here and nowhere else; the solver sees
 * dense indices, seconds from local midnight and integer skills.
 */

/** Travel the routing layer could not give: no road between two points. */
export const UNREACHABLE_SECONDS = 1e9;
/** "No limit" for capacity, which the solver wants finite. */
const UNLIMITED = 1e9;

export interface PreUnassigned {
  readonly caseIndex: number;
  readonly reason: UnassignedCaseReason;
  readonly detail: string;
}

/** Where every point of the request sits in the location list. */
export interface LocationPlan {
  readonly points: LatLng[];
  /** For a client matrix: location index → matrix index. */
  readonly matrixIndex: number[] | null;
  readonly execStart: number[];
  /** -1: open end (the day ends at the last visit). */
  readonly execEnd: number[];
  readonly caseLoc: number[];
}

export function planLocations(req: PlanRequest): LocationPlan {
  const points: LatLng[] = [];
  const matrixIndex: number[] = [];
  const keyed = new Map<string, number>();
  const add = (p: { lat: number; lng: number; matrixIndex?: number | undefined }): number => {
    // Identical points share a location (smaller matrices, same answers).
    const key = req.matrix ? `m${p.matrixIndex}` : `${p.lat},${p.lng}`;
    let i = keyed.get(key);
    if (i === undefined) {
      i = points.length;
      points.push({ lat: p.lat, lng: p.lng });
      matrixIndex.push(p.matrixIndex ?? -1);
      keyed.set(key, i);
    }
    return i;
  };
  const execStart = req.executives.map((e) => add(e.start));
  const execEnd = req.executives.map((e, i) => (e.end === null ? -1 : e.end === undefined ? execStart[i]! : add(e.end)));
  const caseLoc = req.cases.map((c) => add(c.location));
  return { points, matrixIndex: req.matrix ? matrixIndex : null, execStart, execEnd, caseLoc };
}

export interface MappedProblem {
  readonly problem: Problem;
  readonly clock: DayClock;
  /** Solver job → request case index. */
  readonly jobCase: readonly number[];
  /** Solver vehicle → request executive index. */
  readonly vehicleExec: readonly number[];
  /** Solver profile → travel mode (one profile for a client matrix). */
  readonly profileMode: readonly TravelMode[];
  readonly locations: LocationPlan;
  readonly preUnassigned: readonly PreUnassigned[];
  readonly warnings: readonly string[];
  readonly routingEngine: RoutingEngine;
  /** Case priorities after the default rule. */
  readonly priorities: readonly number[];
}

export type MatrixByMode = Partial<Record<TravelMode, MatrixResult>>;

export function modesOf(req: PlanRequest): TravelMode[] {
  return [...new Set(req.executives.map((e) => e.travelMode))].sort();
}

/** Clip, sort and merge windows for a visit of `service` seconds inside contact hours. */
function visitWindows(c: Case, clock: DayClock, contact: TimeWindow, service: number): TimeWindow[] {
  const lastStart = contact.end - service;
  const raw = c.timeWindows.length === 0 ? [{ start: contact.start, end: lastStart }] : c.timeWindows.map((w) => ({ start: clock.toSolver(w.start), end: clock.toSolver(w.end) }));
  const clipped = raw
    .map((w) => ({ start: Math.max(w.start, contact.start), end: Math.min(w.end, lastStart) }))
    .filter((w) => w.end >= w.start)
    .sort((a, b) => a.start - b.start);
  const merged: TimeWindow[] = [];
  for (const w of clipped) {
    const last = merged[merged.length - 1];
    if (last && w.start <= last.end) merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, w.end) };
    else merged.push(w);
  }
  return merged;
}

function inTerritory(e: Executive, c: Case): boolean {
  if (!e.territory) return true;
  return booleanPointInPolygon(turfPoint([c.location.lng, c.location.lat]), e.territory);
}

/**
 * Build the solver problem from a validated request and one matrix per travel
 * mode in use (for a client matrix: the same matrix under every mode).
 */
export function buildProblem(req: PlanRequest, loc: LocationPlan, matrices: MatrixByMode): MappedProblem {
  const clock = new DayClock(req.date, req.timezone);
  const contact: TimeWindow = { start: clock.toSolver(req.options.contactHours.start), end: clock.toSolver(req.options.contactHours.end) };
  const warnings: string[] = [];
  const preUnassigned: PreUnassigned[] = [];

  const modes = req.matrix ? (['two_wheeler'] as TravelMode[]) : modesOf(req);
  const profileOf = new Map<TravelMode, number>();
  const matrices2 = modes.map((mode, p) => {
    profileOf.set(mode, p);
    const m = matrices[mode];
    if (!m) throw new Error(`no matrix for travel mode ${mode}`);
    for (const w of m.warnings) if (!warnings.includes(w)) warnings.push(w);
    return m;
  });
  const routingEngine = weakestEngine(matrices2.map((m) => m.engine));
  const unroutable = new Set<number>();
  for (const m of matrices2) for (const i of m.unroutable ?? []) unroutable.add(i);

  // Skills: the request's strings, then one synthetic skill per territory
  // executive that every other executive holds and that cases outside the
  // territory require — so eligibility stays a plain subset test.
  const skillIds = new Map<string, number>();
  const skillId = (s: string): number => {
    let id = skillIds.get(s);
    if (id === undefined) {
      id = skillIds.size;
      skillIds.set(s, id);
    }
    return id;
  };
  for (const e of req.executives) for (const s of e.skills) skillId(s);

  const vehicleExec: number[] = [];
  const execVehicle = new Map<string, number>();
  req.executives.forEach((e, i) => {
    if (unroutable.has(loc.execStart[i]!) || (loc.execEnd[i]! >= 0 && unroutable.has(loc.execEnd[i]!))) {
      warnings.push(`executive ${e.id}: start or end location cannot be placed on a road; not planned`);
      return;
    }
    execVehicle.set(e.id, vehicleExec.length);
    vehicleExec.push(i);
  });
  const territoryExecs = vehicleExec.filter((i) => req.executives[i]!.territory !== undefined);
  const territorySkill = new Map<number, number>(territoryExecs.map((i) => [i, skillId(`\u0000territory:${req.executives[i]!.id}`)]));

  const vehicles: Vehicle[] = vehicleExec.map((i) => {
    const e = req.executives[i]!;
    const skills = new Set(e.skills.map(skillId));
    for (const [owner, s] of territorySkill) if (owner !== i) skills.add(s);
    return {
      profile: req.matrix ? 0 : profileOf.get(e.travelMode)!,
      start: loc.execStart[i]!,
      end: loc.execEnd[i]! < 0 ? null : loc.execEnd[i]!,
      shift: { start: clock.toSolver(e.shift.start), end: clock.toSolver(e.shift.end) },
      capacity: [e.capacity ?? UNLIMITED],
      skills: [...skills].sort((a, b) => a - b),
      maxJobs: e.maxVisits ?? Infinity,
      maxDistance: e.maxDistanceKm === undefined ? Infinity : e.maxDistanceKm * 1000,
      breaks: e.breaks.map((b) => ({
        timeWindows: [{ start: clock.toSolver(b.start), end: clock.toSolver(b.end) - b.minutes * 60 }],
        duration: b.minutes * 60,
      })),
      fixedCost: 0,
      costPerTime: 1,
      costPerDistance: 0,
    };
  });

  const priorities = req.cases.map((c) => c.priority ?? defaultPriority(c.overdueAmount, c.dpd));
  const jobs: Job[] = [];
  const jobCase: number[] = [];
  req.cases.forEach((c, ci) => {
    if (unroutable.has(loc.caseLoc[ci]!)) {
      preUnassigned.push({ caseIndex: ci, reason: 'location_not_routable', detail: `case ${c.id}: its location cannot be placed on a road` });
      return;
    }
    const service = c.serviceMinutes * 60;
    const windows = visitWindows(c, clock, contact, service);
    if (windows.length === 0) {
      preUnassigned.push({
        caseIndex: ci,
        reason: 'outside_contact_hours',
        detail: `no time window leaves ${c.serviceMinutes} min for the visit inside contact hours ${req.options.contactHours.start}–${req.options.contactHours.end}`,
      });
      return;
    }
    const required = c.skills.map((s) => skillIds.get(s) ?? skillId(s));
    const withSkills = vehicleExec.filter((i) => c.skills.every((s) => req.executives[i]!.skills.includes(s)));
    if (withSkills.length > 0 && territoryExecs.length > 0) {
      if (!withSkills.some((i) => inTerritory(req.executives[i]!, c))) {
        preUnassigned.push({ caseIndex: ci, reason: 'outside_territory', detail: 'every executive with the skills works a territory that does not contain the case' });
        return;
      }
      for (const i of territoryExecs) if (!inTerritory(req.executives[i]!, c)) required.push(territorySkill.get(i)!);
    }
    let pinnedVehicle: number | undefined;
    if (c.executiveId !== undefined) {
      pinnedVehicle = execVehicle.get(c.executiveId);
      if (pinnedVehicle === undefined) {
        preUnassigned.push({ caseIndex: ci, reason: 'pinned_executive_cannot_serve', detail: `executive ${c.executiveId} is not planned (location not routable)` });
        return;
      }
    }
    jobCase.push(ci);
    jobs.push({
      location: loc.caseLoc[ci]!,
      service,
      timeWindows: windows,
      demand: [c.assetUnits],
      skills: [...new Set(required)].sort((a, b) => a - b),
      priority: priorities[ci]!,
      mustVisit: c.mustVisit,
      pinnedVehicle,
    });
  });

  const size = loc.points.length;
  const problemMatrices = matrices2.map((m) => {
    if (m.size !== size) throw new Error(`matrix has ${m.size} locations, expected ${size}`);
    const durations = new Float64Array(m.durations);
    const distances = new Float64Array(m.distances);
    for (let k = 0; k < durations.length; k++) {
      if (!Number.isFinite(durations[k]!) || !Number.isFinite(distances[k]!)) {
        durations[k] = UNREACHABLE_SECONDS;
        distances[k] = UNREACHABLE_SECONDS;
      }
    }
    return { size, durations, distances };
  });

  return {
    problem: { matrices: problemMatrices, jobs, vehicles, objective: req.options.objective },
    clock,
    jobCase,
    vehicleExec,
    profileMode: req.matrix ? ['two_wheeler'] : modes,
    locations: loc,
    preUnassigned,
    warnings,
    routingEngine,
    priorities,
  };
}
