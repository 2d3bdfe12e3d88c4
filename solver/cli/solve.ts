/**
 * Benchmark CLI: solve one instance file and print one JSON line.
 *
 *   npm run --silent solve -- --format solomon --time-limit SECONDS [--seed N] FILE
 *
 * The whole time limit is used (the run is bound by time, not by convergence),
 * as benchmark comparisons expect.
 */
import { readFileSync } from 'node:fs';
import { solve } from '../solve.js';
import { parseSolomon } from '../solomon.js';
import { verifySolomon } from './verify.js';

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: solve --format solomon --time-limit SECONDS [--seed N] FILE\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
let format = 'solomon';
let timeLimit = 10;
let seed = 1;
let file: string | undefined;
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  const value = (): string => args[++i] ?? usage(`${a} needs a value`);
  if (a === '--format') format = value();
  else if (a === '--time-limit') timeLimit = Number(value());
  else if (a === '--seed') seed = Number(value());
  else if (a.startsWith('--')) usage(`unknown option ${a}`);
  else file = a;
}
if (format !== 'solomon') usage(`unsupported format ${format}`);
if (!file) usage('no instance file');
if (!(timeLimit > 0)) usage('--time-limit must be a positive number of seconds');
if (!Number.isInteger(seed)) usage('--seed must be an integer');

const inst = parseSolomon(readFileSync(file, 'utf8'));
const sol = solve(inst.problem, { timeLimitMs: timeLimit * 1000, seed, noImprovementIterations: 0 });
const routes = sol.routes.map((r) => r.jobs.map((j) => inst.customers[j]!));
const check = verifySolomon(inst, routes);
if (sol.unassigned.length > 0) check.violations.push(`${sol.unassigned.length} customers unserved`);
process.stdout.write(
  JSON.stringify({
    instance: inst.name,
    vehicles: routes.length,
    distance: Math.round(check.distance * 100) / 100,
    routes,
    seconds: Math.round(sol.elapsedMs) / 1000,
    feasible: check.violations.length === 0,
    violations: check.violations,
    iterations: sol.iterations,
    movesEvaluated: sol.movesEvaluated,
    movesPerSecond: Math.round(sol.movesEvaluated / (sol.elapsedMs / 1000)),
  }) + '\n',
);
