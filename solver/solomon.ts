import type { Problem } from './model.js';

/** A Solomon-format VRPTW instance (also Gehring & Homberger's), parsed. */
export interface SolomonInstance {
  readonly name: string;
  readonly fleet: number;
  readonly capacity: number;
  /** Customer numbers as written in the file, in row order (depot excluded). */
  readonly customers: readonly number[];
  readonly x: readonly number[];
  readonly y: readonly number[];
  /** The solver problem: location 0 is the depot, location i the i-th customer row. */
  readonly problem: Problem;
}

export class SolomonParseError extends Error {}

/**
 * Parse the classic layout: a name line, a VEHICLE section (number, capacity)
 * and a CUSTOMER table whose first row is the depot. Tolerates CRLF, any case
 * and extra blank lines. Distances are Euclidean in double precision and
 * travel time equals distance, as in the literature; the depot's due date is
 * the shift end of every vehicle.
 */
export function parseSolomon(text: string): SolomonInstance {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (lines.length === 0) throw new SolomonParseError('empty file');
  const name = lines[0]!;
  const vi = lines.findIndex((l) => /^vehicle$/i.test(l));
  const ci = lines.findIndex((l) => /^customer$/i.test(l));
  if (vi < 0 || ci < 0) throw new SolomonParseError('missing VEHICLE or CUSTOMER section');
  const fleetRow = lines.slice(vi + 1, ci).find((l) => /^\d/.test(l));
  if (!fleetRow) throw new SolomonParseError('missing vehicle number and capacity');
  const [fleet, capacity] = fleetRow.split(/\s+/).map(Number);
  if (!Number.isInteger(fleet) || fleet! <= 0 || !Number.isFinite(capacity)) throw new SolomonParseError(`bad vehicle row: ${fleetRow}`);

  const rows: number[][] = [];
  for (const l of lines.slice(ci + 1)) {
    if (!/^\d/.test(l)) continue; // column headers
    const f = l.split(/\s+/).map(Number);
    if (f.length < 7 || f.some((v) => !Number.isFinite(v))) throw new SolomonParseError(`bad customer row: ${l}`);
    rows.push(f);
  }
  if (rows.length < 2) throw new SolomonParseError('no customers');
  const size = rows.length;
  const x = rows.map((r) => r[1]!);
  const y = rows.map((r) => r[2]!);
  const durations = new Float64Array(size * size);
  for (let i = 0; i < size; i++)
    for (let j = 0; j < size; j++) durations[i * size + j] = Math.hypot(x[i]! - x[j]!, y[i]! - y[j]!);
  const depot = rows[0]!;
  const horizon = depot[5]!;
  const problem: Problem = {
    objective: 'minimize_travel',
    matrices: [{ size, durations, distances: durations }],
    jobs: rows.slice(1).map((r, k) => ({
      location: k + 1,
      service: r[6]!,
      timeWindows: [{ start: r[4]!, end: r[5]! }],
      demand: [r[3]!],
      skills: [],
      priority: 0,
      mustVisit: false,
    })),
    vehicles: Array.from({ length: fleet! }, () => ({
      profile: 0,
      start: 0,
      end: 0,
      shift: { start: depot[4]!, end: horizon },
      capacity: [capacity!],
      skills: [],
      maxJobs: Infinity,
      maxDistance: Infinity,
      breaks: [],
      fixedCost: 0,
      costPerTime: 0,
      costPerDistance: 1,
    })),
  };
  return { name, fleet: fleet!, capacity: capacity!, customers: rows.slice(1).map((r) => r[0]!), x, y, problem };
}
