import type { Logger } from 'pino';
import { assemblePlan } from '../domain/assemble-plan.js';
import { buildProblem, modesOf, planLocations, type MatrixByMode } from '../domain/build-problem.js';
import { partitionRequest } from '../geo/partition.js';
import type { PlanRequest } from '../http/schemas/plan-request.js';
import type { PlanResult } from '../http/schemas/plan-result.js';
import { explicitMatrix } from '../routing/explicit-matrix.js';
import type { LatLng, MatrixResult, TravelMode } from '../routing/provider.js';
import { effortWarning, searchEffort, type EffortPolicy } from './effort.js';
import { mergePlans } from './merge.js';
import type { PlanProgressEvent, PlanStatus } from './runner.js';
import type { SolverPool } from './solver-pool.js';

/** What the processor needs from the routing layer. */
export interface PlanRouting {
  matrix(points: readonly LatLng[], mode: TravelMode, signal?: AbortSignal): Promise<MatrixResult>;
  directions?(
    stops: readonly LatLng[],
    mode: TravelMode,
    language: string,
    signal?: AbortSignal,
  ): Promise<{ engine: string; geometry: [number, number][]; legs: { instructions: string[] }[]; warnings?: readonly string[] }>;
}

export interface ProcessorDeps {
  readonly routing: PlanRouting;
  readonly pool: SolverPool;
  readonly logger: Logger;
  readonly defaultTimeLimitSeconds: number;
  readonly partition: { readonly minCases: number; readonly targetCases: number };
  /**
   * Shorter searches for held plans under a backlog (see effort.ts).
   * `waiting`: plans queued elsewhere (BullMQ); the pool's own queue is added.
   */
  readonly effort?: { readonly policy: EffortPolicy; waiting?: (() => Promise<number>) | undefined } | undefined;
  readonly onSolved?: ((seconds: number, stopReason: string, effort: number) => void) | undefined;
  /** Status changes of the plans and region jobs run in this process (metrics: active jobs, plans by status). */
  readonly onStatus?: ((change: StatusChange) => void) | undefined;
}

export interface StatusChange {
  readonly status: PlanStatus;
  readonly previous: PlanStatus;
  /** A region job of a split plan, not a whole plan. */
  readonly region?: boolean | undefined;
}

export interface ProcessContext {
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((p: PlanProgressEvent) => void) | undefined;
  readonly logger?: Logger | undefined;
  /** A client holds its request for this plan (`?wait`): it may be shortened under load. */
  readonly held?: boolean | undefined;
}

/**
 * The job processor shared by the in-process runner and the BullMQ worker:
 * request → (regions) → matrices → solver thread → plan.
 */
export async function processPlan(req: PlanRequest, deps: ProcessorDeps, ctx: ProcessContext = {}): Promise<PlanResult> {
  const regions = partitionRequest(req, deps.partition);
  if (!regions) return solveRegion(req, deps, ctx);
  const log = ctx.logger ?? deps.logger;
  log.info({ regions: regions.length, cases: req.cases.length }, 'request split into regions');
  const done = new Array<number>(regions.length).fill(0);
  const parts = await Promise.all(
    regions.map((r, k) =>
      solveRegion(r.request, deps, {
        ...ctx,
        held: false, // a split request is batch work, never shortened
        onProgress: (p) => {
          done[k] = p.progress;
          ctx.onProgress?.({ progress: done.reduce((s, x) => s + x, 0) / regions.length });
        },
      }),
    ),
  );
  return mergePlans(req, parts);
}

/** Solve one request as a single problem (a whole small request or one region). */
export async function solveRegion(req: PlanRequest, deps: ProcessorDeps, ctx: ProcessContext = {}): Promise<PlanResult> {
  const log = ctx.logger ?? deps.logger;
  const started = performance.now();
  const loc = planLocations(req);
  const matrices: MatrixByMode = {};
  if (req.matrix) {
    const m = explicitMatrix(req.matrix.durationsSeconds, req.matrix.distancesMeters, loc.matrixIndex!);
    matrices.two_wheeler = m;
  } else {
    await Promise.all(
      modesOf(req).map(async (mode) => {
        matrices[mode] = await deps.routing.matrix(loc.points, mode, ctx.signal);
      }),
    );
  }
  ctx.signal?.throwIfAborted();
  const mapped = buildProblem(req, loc, matrices);
  const timeLimitMs = (req.options.timeLimitSeconds ?? deps.defaultTimeLimitSeconds) * 1000;
  const matrixMs = performance.now() - started;
  let effort = 1;
  let effortFn: ((behind: number) => number) | undefined;
  let waiting = 0;
  const shedding = deps.effort;
  if (ctx.held && shedding) {
    const elsewhere = shedding.waiting ? await shedding.waiting().catch(() => 0) : 0;
    effortFn = (behind) => {
      waiting = elsewhere + behind;
      effort = searchEffort(waiting, shedding.policy);
      return effort;
    };
  }
  const solution = await deps.pool.solve(mapped.problem, {
    timeLimitMs,
    effort: effortFn,
    seed: req.options.seed,
    signal: ctx.signal,
    onProgress: (p) =>
      ctx.onProgress?.({
        progress: Math.min(99, Math.round((100 * p.elapsedMs) / timeLimitMs)),
        bestCost: p.bestCost,
        bestPriority: p.bestPriority,
        assigned: p.assigned,
        elapsedMs: p.elapsedMs,
      }),
  });
  ctx.signal?.throwIfAborted();
  deps.onSolved?.(solution.elapsedMs / 1000, solution.stopReason, effort);
  log.info(
    { jobs: mapped.problem.jobs.length, vehicles: mapped.problem.vehicles.length, matrixMs: Math.round(matrixMs), solveMs: Math.round(solution.elapsedMs), stopReason: solution.stopReason, iterations: solution.iterations, effort },
    'solved',
  );
  const plan = assemblePlan(req, mapped, solution, {
    solveSeconds: solution.elapsedMs / 1000,
    stopReason: solution.stopReason,
    searchEffort: effort,
    ...(effort < 1 ? { extraWarnings: [effortWarning(effort, waiting)] } : {}),
  });
  if (req.options.directions && mapped.routingEngine === 'osrm' && deps.routing.directions) {
    await attachDirections(plan, req, deps.routing, ctx.signal);
  } else {
    for (const it of plan.itineraries) it.geometry = { type: 'LineString', coordinates: straight(it.stops.map((s) => s.location)), straightLine: true };
  }
  return plan;
}

function straight(points: readonly LatLng[]): number[][] {
  const out: number[][] = [];
  for (const p of points) {
    const last = out[out.length - 1];
    if (!last || last[0] !== p.lng || last[1] !== p.lat) out.push([p.lng, p.lat]);
  }
  return out;
}

async function attachDirections(plan: PlanResult, req: PlanRequest, routing: PlanRouting, signal?: AbortSignal): Promise<void> {
  const warnings = new Set<string>();
  await Promise.all(
    plan.itineraries.map(async (it) => {
      const d = await routing.directions!(it.stops.map((s) => s.location), it.travelMode, req.options.language, signal);
      for (const w of d.warnings ?? []) warnings.add(w);
      it.geometry = { type: 'LineString', coordinates: d.geometry, straightLine: d.engine !== 'osrm' };
      if (d.engine === 'osrm') d.legs.forEach((leg, k) => {
        const stop = it.stops[k + 1];
        if (stop) stop.instructions = leg.instructions;
      });
    }),
  );
  for (const w of warnings) if (!plan.summary.warnings.includes(w)) plan.summary.warnings.push(w);
}
