/**
 * Benchmark many instances and print a Markdown table with gaps to the
 * best-known distances (bks.csv beside each file).
 *
 *   npm run bench -- --time-limit SECONDS [--seed N] [--jobs N] [--json OUT] FILES...
 *
 * Each instance runs in its own process (`--jobs` at a time, default 1 so the
 * figures are one core per instance).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Row {
  instance: string;
  vehicles: number;
  distance: number;
  bksVehicles: number | null;
  bks: number | null;
  gap: number | null;
  seconds: number;
  feasible: boolean;
  movesPerSecond: number;
}

const args = process.argv.slice(2);
let timeLimit = 10;
let seed = 1;
let jobs = 1;
let jsonOut: string | undefined;
const files: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--time-limit') timeLimit = Number(args[++i]);
  else if (a === '--seed') seed = Number(args[++i]);
  else if (a === '--jobs') jobs = Math.max(1, Math.min(Number(args[++i]) || 1, availableParallelism()));
  else if (a === '--json') jsonOut = args[++i];
  else files.push(a);
}
if (files.length === 0 || !(timeLimit > 0)) {
  process.stderr.write('usage: bench --time-limit SECONDS [--seed N] [--jobs N] [--json OUT] FILES...\n');
  process.exit(2);
}

const bksCache = new Map<string, Map<string, { vehicles: number; distance: number }>>();
function bksFor(file: string, instance: string): { vehicles: number; distance: number } | undefined {
  const path = join(dirname(file), 'bks.csv');
  let table = bksCache.get(path);
  if (!table) {
    table = new Map();
    if (existsSync(path)) {
      for (const line of readFileSync(path, 'utf8').split(/\r?\n/).slice(1)) {
        const [name, vehicles, distance] = line.split(',');
        if (name && distance) table.set(name.toUpperCase(), { vehicles: Number(vehicles), distance: Number(distance) });
      }
    }
    bksCache.set(path, table);
  }
  return table.get(instance.toUpperCase()) ?? table.get(basename(file).replace(/\.[^.]*$/, '').toUpperCase());
}

const solveScript = join(dirname(fileURLToPath(import.meta.url)), 'solve.ts');
function runOne(file: string): Promise<Row> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', solveScript, '--format', 'solomon', '--time-limit', String(timeLimit), '--seed', String(seed), file],
      { maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`${file}: ${stderr || err.message}`));
        const r = JSON.parse(stdout) as { instance: string; vehicles: number; distance: number; seconds: number; feasible: boolean; movesPerSecond: number };
        const bks = bksFor(file, r.instance);
        resolve({
          instance: r.instance,
          vehicles: r.vehicles,
          distance: r.distance,
          bksVehicles: bks?.vehicles ?? null,
          bks: bks?.distance ?? null,
          gap: bks ? (100 * (r.distance - bks.distance)) / bks.distance : null,
          seconds: r.seconds,
          feasible: r.feasible,
          movesPerSecond: r.movesPerSecond,
        });
      },
    );
  });
}

const rows: Row[] = new Array(files.length);
let next = 0;
async function lane(): Promise<void> {
  while (next < files.length) {
    const k = next++;
    rows[k] = await runOne(files[k]!);
    const r = rows[k]!;
    process.stderr.write(`${r.instance}\t${r.distance}\t${r.gap?.toFixed(2) ?? '-'}%\t${r.feasible ? '' : 'INFEASIBLE'}\n`);
  }
}
await Promise.all(Array.from({ length: jobs }, lane));

const fmt = (x: number | null, d = 2): string => (x === null ? '–' : x.toFixed(d));
const out: string[] = [
  '| instance | vehicles | distance | best-known (vehicles) | gap % | seconds | feasible | moves/s |',
  '|---|---:|---:|---:|---:|---:|:-:|---:|',
];
for (const r of rows) {
  out.push(
    `| ${r.instance} | ${r.vehicles} | ${fmt(r.distance)} | ${fmt(r.bks)} (${r.bksVehicles ?? '–'}) | ${fmt(r.gap)} | ${fmt(r.seconds, 1)} | ${r.feasible ? 'yes' : '**no**'} | ${(r.movesPerSecond / 1e6).toFixed(1)} M |`,
  );
}
const gaps = rows.map((r) => r.gap).filter((g): g is number => g !== null).sort((a, b) => a - b);
const mean = gaps.reduce((s, g) => s + g, 0) / Math.max(1, gaps.length);
const median = gaps.length ? (gaps[(gaps.length - 1) >> 1]! + gaps[gaps.length >> 1]!) / 2 : NaN;
const worst = rows.reduce<Row | null>((w, r) => (r.gap !== null && (w === null || r.gap > w.gap!) ? r : w), null);
out.push('');
out.push(
  `instances ${rows.length}, feasible ${rows.filter((r) => r.feasible).length}, mean gap ${mean.toFixed(2)}%, median ${median.toFixed(2)}%` +
    (worst ? `, worst ${worst.gap!.toFixed(2)}% (${worst.instance})` : '') +
    `, mean seconds ${(rows.reduce((s, r) => s + r.seconds, 0) / rows.length).toFixed(1)}` +
    `, mean moves/s ${(rows.reduce((s, r) => s + r.movesPerSecond, 0) / rows.length / 1e6).toFixed(1)} M` +
    `, time limit ${timeLimit} s, seed ${seed}, ${jobs} instance${jobs > 1 ? 's' : ''} at a time (one core each)`,
);
process.stdout.write(out.join('\n') + '\n');
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(rows, null, 2));
if (rows.some((r) => !r.feasible)) process.exitCode = 1;
