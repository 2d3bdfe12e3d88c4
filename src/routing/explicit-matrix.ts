/**
 * Engine 'matrix': travel times supplied by the client in the request.
 *
 * Exports:
 * - `ExplicitMatrixInput` `{ durationsSeconds: (number|null)[][]; distancesMeters: (number|null)[][] }`
 *   (`null` = no road, becomes `Infinity` like OSRM's unreachable pairs).
 * - `explicitMatrix(durations, distances, indices)`: the sub-matrix for `indices` (row/column
 *   `k` of the result is row/column `indices[k]` of the input), engine 'matrix'.
 * - `IndexedLatLng`: a point carrying its `matrixIndex`.
 * - `createExplicitMatrixProvider(input)`: a `RoutingProvider` whose points must be
 *   `IndexedLatLng`; the same matrix answers every travel mode.
 *
 * Values are validated by the request schema; here only sizes and indices are guarded, and a
 * violation throws `RangeError` (a programming error, not a routing fault).
 */
import type { LatLng, MatrixResult, RoutingProvider } from './provider.js';
import { throwIfAborted } from './util.js';

export type MatrixRows = readonly (readonly (number | null)[])[];

export interface ExplicitMatrixInput {
  readonly durationsSeconds: MatrixRows;
  readonly distancesMeters: MatrixRows;
}

export interface IndexedLatLng extends LatLng {
  readonly matrixIndex: number;
}

function checkSquare(name: string, rows: MatrixRows, n: number): void {
  if (rows.length !== n) throw new RangeError(`${name} has ${rows.length} rows, expected ${n}`);
  rows.forEach((row, i) => {
    if (row.length !== n) throw new RangeError(`${name} row ${i} has ${row.length} entries, expected ${n}`);
  });
}

export function explicitMatrix(
  durations: MatrixRows,
  distances: MatrixRows,
  indices: readonly number[],
): MatrixResult {
  const n = durations.length;
  checkSquare('durationsSeconds', durations, n);
  checkSquare('distancesMeters', distances, n);
  for (const [k, idx] of indices.entries()) {
    if (!Number.isInteger(idx) || idx < 0 || idx >= n) {
      throw new RangeError(`point ${k} has matrixIndex ${idx}, outside the ${n}×${n} matrix`);
    }
  }
  const m = indices.length;
  const outDur = new Float64Array(m * m);
  const outDist = new Float64Array(m * m);
  for (let a = 0; a < m; a++) {
    const durRow = durations[indices[a]!]!;
    const distRow = distances[indices[a]!]!;
    for (let b = 0; b < m; b++) {
      const j = indices[b]!;
      outDur[a * m + b] = durRow[j] ?? Infinity;
      outDist[a * m + b] = distRow[j] ?? Infinity;
    }
  }
  return { size: m, durations: outDur, distances: outDist, engine: 'matrix', warnings: [] };
}

function hasMatrixIndex(p: LatLng): p is IndexedLatLng {
  return typeof (p as Partial<IndexedLatLng>).matrixIndex === 'number';
}

export function createExplicitMatrixProvider(input: ExplicitMatrixInput): RoutingProvider {
  checkSquare('durationsSeconds', input.durationsSeconds, input.durationsSeconds.length);
  checkSquare('distancesMeters', input.distancesMeters, input.durationsSeconds.length);
  return {
    engine: 'matrix',
    async matrix(points, _mode, signal) {
      throwIfAborted(signal);
      const indices = points.map((p, k) => {
        if (!hasMatrixIndex(p)) throw new RangeError(`point ${k} has no matrixIndex`);
        return p.matrixIndex;
      });
      return explicitMatrix(input.durationsSeconds, input.distancesMeters, indices);
    },
  };
}
