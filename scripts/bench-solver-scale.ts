/**
 * Solver scale and latency, without the service around it.
 *
 *   npm run bench:scale -- [--seed N] [--limits 10,30] [--days 50] [--heap-mb 500]
 *
 * 1. A city-like day of 1,000 jobs for 50 vehicles (3 depots, clustered and
 *    scattered addresses, one or two time windows on most jobs, lunch breaks
 *    on some vehicles, three skills): time to the first feasible plan (the
 *    first progress report, which comes right after construction), the plan
 *    after construction plus one local-search descent (`maxIterations: 0`),
 *    and the plan after each time limit. Every measurement runs in its own
 *    process with a V8 heap capped at `--heap-mb`, and reports the peak RSS
 *    and heap seen (sampled at every progress report, every 100 ms).
 * 2. "Plan my day": one vehicle, 35 jobs with windows, default options
 *    (the run stops when it converges), over `--days` different days:
 *    p50 / p95 / max time to answer.
 *
 * Every plan is re-checked by the independent checker of the solver tests.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { solve } from '../solver/index.js';
import type { Job, Problem, Solution, SolveOptions, Vehicle } from '../solver/index.js';
import { Rng } from '../solver/rng.js';
import { checkSolution } from '../test/solver/check-solution.js';

const HOUR = 3600;
/** Road distance over straight-line distance, and average speed (m/s) in town. */
const DETOUR = 1.3;
const SPEED = 8;

function gaussian(rng: Rng): number {
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Travel matrices over points in metres: distance = DETOUR × straight line, time = distance / SPEED. */
function matrices(xs: number[], ys: number[]): Problem['matrices'] {
  const size = xs.length;
  const distances = new Float64Array(size * size);
  const durations = new Float64Array(size * size);
  for (let a = 0; a < size; a++)
    for (let b = 0; b < size; b++) {
      const d = DETOUR * Math.hypot(xs[a]! - xs[b]!, ys[a]! - ys[b]!);
      distances[a * size + b] = Math.round(d);
      durations[a * size + b] = Math.round(d / SPEED);
    }
  return [{ size, durations, distances }];
}

/** Zero, one (2–4 h) or two (morning and afternoon, 2 h each) windows inside [from, to]. */
function jobWindows(rng: Rng, from: number, to: number): Job['timeWindows'] {
  const r = rng.next();
  if (r < 0.35) return [];
  if (r < 0.8) {
    const width = (2 + 2 * rng.next()) * HOUR;
    const start = from + Math.floor(rng.next() * (to - from - width));
    return [{ start, end: Math.round(start + width) }];
  }
  const noon = (from + to) / 2;
  const a = from + Math.floor(rng.next() * (noon - from - 2 * HOUR));
  const b = noon + Math.floor(rng.next() * (to - noon - 2 * HOUR));
  return [
    { start: a, end: a + 2 * HOUR },
    { start: b, end: b + 2 * HOUR },
  ];
}

/** 1,000 jobs (by default) for 50 vehicles in a 12 km × 12 km town. */
export function cityDay(seed: number, nJobs = 1000, nVehicles = 50): Problem {
  const rng = new Rng(seed);
  const side = 12_000;
  const centres = Array.from({ length: 8 }, () => [side * (0.15 + 0.7 * rng.next()), side * (0.15 + 0.7 * rng.next())] as const);
  const xs: number[] = [];
  const ys: number[] = [];
  const depots = 3;
  for (let d = 0; d < depots; d++) {
    xs.push(side * (0.3 + 0.4 * rng.next()));
    ys.push(side * (0.3 + 0.4 * rng.next()));
  }
  for (let j = 0; j < nJobs; j++) {
    if (rng.next() < 0.6) {
      const c = centres[rng.int(centres.length)]!;
      xs.push(Math.min(side, Math.max(0, c[0] + 1200 * gaussian(rng))));
      ys.push(Math.min(side, Math.max(0, c[1] + 1200 * gaussian(rng))));
    } else {
      xs.push(side * rng.next());
      ys.push(side * rng.next());
    }
  }
  const day = { start: 8 * HOUR, end: 18 * HOUR };
  const jobs: Job[] = Array.from({ length: nJobs }, (_, j) => {
    const s = rng.next();
    return {
      location: depots + j,
      service: (5 + rng.int(11)) * 60,
      timeWindows: jobWindows(rng, day.start, day.end),
      demand: [1 + rng.int(3)],
      skills: s < 0.15 ? [1] : s < 0.2 ? [2] : s < 0.23 ? [3] : [],
      priority: rng.int(101),
      mustVisit: false,
    };
  });
  const vehicles: Vehicle[] = Array.from({ length: nVehicles }, (_, k) => {
    const late = rng.next() < 0.2;
    const lunch = 12 * HOUR + rng.int(3) * 30 * 60;
    const skills = [1, 2, 3].filter((_, i) => rng.next() < [0.6, 0.3, 0.2][i]!);
    return {
      profile: 0,
      start: k % depots,
      end: k % depots,
      shift: late ? { start: 10 * HOUR, end: 19 * HOUR } : day,
      capacity: [60],
      skills,
      maxJobs: Infinity,
      maxDistance: Infinity,
      breaks: rng.next() < 0.4 ? [{ timeWindows: [{ start: lunch, end: lunch + HOUR }], duration: 30 * 60 }] : [],
      fixedCost: 0,
      costPerTime: 0,
      costPerDistance: 1,
    };
  });
  return { matrices: matrices(xs, ys), jobs, vehicles, objective: 'minimize_travel' };
}

/** One executive's day: 35 jobs, most with a window, a lunch break, in a 10 km town. */
export function oneDay(seed: number, nJobs = 35): Problem {
  const rng = new Rng(seed);
  const side = 10_000;
  const xs = [side / 2];
  const ys = [side / 2];
  for (let j = 0; j < nJobs; j++) {
    xs.push(side * rng.next());
    ys.push(side * rng.next());
  }
  const day = { start: 9 * HOUR, end: 19 * HOUR };
  const jobs: Job[] = Array.from({ length: nJobs }, (_, j) => ({
    location: 1 + j,
    service: (5 + rng.int(6)) * 60,
    timeWindows: rng.next() < 0.2 ? [] : jobWindows(rng, day.start, day.end),
    demand: [],
    skills: [],
    priority: 1 + rng.int(100),
    mustVisit: false,
  }));
  const vehicle: Vehicle = {
    profile: 0, start: 0, end: 0, shift: day, capacity: [], skills: [], maxJobs: Infinity, maxDistance: Infinity,
    breaks: [{ timeWindows: [{ start: 13 * HOUR, end: 14 * HOUR }], duration: 30 * 60 }],
    fixedCost: 0, costPerTime: 0, costPerDistance: 1,
  };
  return { matrices: matrices(xs, ys), jobs, vehicles: [vehicle], objective: 'maximize_priority' };
}

interface Measurement {
  label: string;
  firstFeasibleMs: number | null;
  ms: number;
  assigned: number;
  unassigned: number;
  routes: number;
  distanceKm: number;
  iterations: number;
  movesPerSecond: number;
  stopReason: Solution['stopReason'];
  violations: number;
  peakRssMb: number;
  peakHeapMb: number;
}

/** Child process: solve the city day once with the given options and print one JSON line. */
function runScaleChild(seed: number, label: string, options: SolveOptions): void {
  const problem = cityDay(seed);
  let peakRss = 0;
  let peakHeap = 0;
  const sample = (): void => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  sample();
  let first: number | null = null;
  const t0 = performance.now();
  const sol = solve(problem, {
    ...options,
    seed,
    progressIntervalMs: 100,
    onProgress: () => {
      first ??= performance.now() - t0;
      sample();
    },
  });
  const ms = performance.now() - t0;
  sample();
  const out: Measurement = {
    label,
    firstFeasibleMs: first,
    ms,
    assigned: problem.jobs.length - sol.unassigned.length,
    unassigned: sol.unassigned.length,
    routes: sol.routes.length,
    distanceKm: sol.distance / 1000,
    iterations: sol.iterations,
    movesPerSecond: sol.movesEvaluated / (sol.elapsedMs / 1000),
    stopReason: sol.stopReason,
    violations: checkSolution(problem, sol).length,
    // maxRSS (KiB) is the true peak of the process, beyond what sampling sees.
    peakRssMb: Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 2 ** 20,
    peakHeapMb: peakHeap / 2 ** 20,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Child process: the plan-my-day runs, one JSON line. */
function runDayChild(seed: number, days: number): void {
  // Warm-up on other days, as a long-running service would be.
  for (let k = 0; k < 3; k++) solve(oneDay(seed + 10_000 + k));
  const times: number[] = [];
  const stops = new Map<string, number>();
  let violations = 0;
  let unassigned = 0;
  for (let k = 0; k < days; k++) {
    const problem = oneDay(seed + k);
    const t0 = performance.now();
    const sol = solve(problem);
    times.push(performance.now() - t0);
    stops.set(sol.stopReason, (stops.get(sol.stopReason) ?? 0) + 1);
    violations += checkSolution(problem, sol).length;
    unassigned += sol.unassigned.length;
  }
  times.sort((a, b) => a - b);
  process.stdout.write(
    JSON.stringify({
      days,
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      max: times[times.length - 1]!,
      stops: Object.fromEntries(stops),
      violations,
      meanUnassigned: unassigned / days,
    }) + '\n',
  );
}

function main(): void {
  const args = process.argv.slice(2);
  const opt = (name: string, d: string): string => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? (args[i + 1] ?? d) : d;
  };
  const seed = Number(opt('seed', '1'));
  const child = opt('child', '');

  if (child === 'scale') {
    runScaleChild(seed, opt('label', ''), JSON.parse(opt('options', '{}')) as SolveOptions);
  } else if (child === 'day') {
    runDayChild(seed, Number(opt('days', '50')));
  } else {
    const limits = opt('limits', '10,30').split(',').map(Number).filter((x) => x > 0);
    const heapMb = Number(opt('heap-mb', '500'));
    const days = Number(opt('days', '50'));
    const self = fileURLToPath(import.meta.url);
    const spawn = (extra: string[]): string =>
      execFileSync(process.execPath, [`--max-old-space-size=${heapMb}`, '--import', 'tsx', self, '--seed', String(seed), ...extra], {
        encoding: 'utf8',
        maxBuffer: 16 << 20,
      });
    const runs: [string, SolveOptions][] = [
      ['construction + descent (maxIterations 0)', { maxIterations: 0 }],
      ...limits.map((s): [string, SolveOptions] => [`${s} s`, { timeLimitMs: s * 1000, noImprovementIterations: 0 }]),
    ];
    const fmt = (x: number, d = 0): string => x.toFixed(d);
    const lines = [
      `## 1,000 jobs × 50 vehicles (seed ${seed}, heap capped at ${heapMb} MB)`,
      '',
      '| run | first feasible | time | served | left out | routes | distance km | iterations | moves/s | stop | violations | peak RSS MB | peak heap MB |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|',
    ];
    for (const [label, options] of runs) {
      const m = JSON.parse(spawn(['--child', 'scale', '--label', label, '--options', JSON.stringify(options)])) as Measurement;
      const line =
        `| ${m.label} | ${m.firstFeasibleMs === null ? '–' : `${fmt(m.firstFeasibleMs)} ms`} | ${fmt(m.ms)} ms | ${m.assigned} | ${m.unassigned} | ${m.routes} | ` +
        `${fmt(m.distanceKm, 1)} | ${m.iterations} | ${fmt(m.movesPerSecond / 1e6, 1)} M | ${m.stopReason} | ${m.violations} | ${fmt(m.peakRssMb)} | ${fmt(m.peakHeapMb)} |`;
      lines.push(line);
      process.stderr.write(line + '\n');
    }
    const d = JSON.parse(spawn(['--child', 'day', '--days', String(days)])) as {
      days: number; p50: number; p95: number; max: number; stops: Record<string, number>; violations: number; meanUnassigned: number;
    };
    lines.push(
      '',
      `## Plan my day: 1 vehicle, 35 jobs with windows and a lunch break, default options (${d.days} days)`,
      '',
      '| p50 | p95 | max | stop reasons | mean left out | violations |',
      '|---:|---:|---:|---|---:|---:|',
      `| ${fmt(d.p50, 1)} ms | ${fmt(d.p95, 1)} ms | ${fmt(d.max, 1)} ms | ${Object.entries(d.stops).map(([k, v]) => `${k} ${v}`).join(', ')} | ${d.meanUnassigned.toFixed(2)} | ${d.violations} |`,
    );
    process.stdout.write(lines.join('\n') + '\n');
  }
}

// Run only when executed (the generators are importable).
if (process.argv[1] === fileURLToPath(import.meta.url)) main();
