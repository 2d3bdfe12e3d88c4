/**
 * Plan-my-day quality against solve time: generated one-executive days
 * (generator seeds 1000…), mapped as the service maps them (great-circle
 * travel), solved directly at each search effort and at a fixed iteration
 * count. Prints, per setting, the mean solve time and iterations and the
 * priority planned over all days and seeds.
 *
 *   npm run bench:effort -- [--days 60] [--seeds 2] [--efforts 1,0.5,0.3] [--iterations 40000]
 */
import { planMyDay } from '../fixtures/generate.js';
import { buildProblem, modesOf, planLocations, type MatrixByMode } from '../src/domain/build-problem.js';
import { PlanRequestSchema } from '../src/http/schemas/plan-request.js';
import { greatCircleMatrix } from '../src/routing/great-circle.js';
import { solve, type Problem, type SolveOptions } from '../solver/index.js';
import { machine } from './bench-support.js';

const args = process.argv.slice(2);
const opt = (name: string, d: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : d;
};
const days = Number(opt('days', '60'));
const seeds = Number(opt('seeds', '2'));
const efforts = opt('efforts', '1,0.5,0.3').split(',').map(Number);
const iterations = Number(opt('iterations', '0'));

const problems: Problem[] = [];
for (let k = 0; k < days; k++) {
  const req = PlanRequestSchema.parse(planMyDay(1000 + k));
  const loc = planLocations(req);
  const matrices: MatrixByMode = {};
  for (const mode of modesOf(req)) matrices[mode] = greatCircleMatrix(loc.points, mode);
  problems.push(buildProblem(req, loc, matrices).problem);
}
for (const p of problems.slice(0, 5)) solve(p, { seed: 1 }); // warm-up (JIT)

function run(label: string, options: SolveOptions): void {
  let ms = 0;
  let its = 0;
  let priority = 0;
  for (const p of problems)
    for (let s = 1; s <= seeds; s++) {
      const sol = solve(p, { ...options, seed: s, timeLimitMs: 60_000 });
      ms += sol.elapsedMs;
      its += sol.iterations;
      priority += sol.priority;
    }
  const runs = problems.length * seeds;
  process.stdout.write(`| ${label} | ${(ms / runs).toFixed(1)} | ${Math.round(its / runs)} | ${priority} |\n`);
}

process.stdout.write(`${machine()}; ${days} days × ${seeds} seeds\n\n| setting | mean solve ms | mean iterations | priority planned (all runs) |\n|---|---:|---:|---:|\n`);
for (const e of efforts) run(`effort ${e}`, { effort: e });
if (iterations > 0) run(`${iterations} iterations`, { maxIterations: iterations });
