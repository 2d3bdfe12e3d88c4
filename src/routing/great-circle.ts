/**
 * Great-circle travel estimates: the engine used when no road data is configured, and the
 * fallback whenever OSRM cannot answer.
 *
 * distance = haversine(a, b) × DETOUR_FACTOR      (metres, not rounded)
 * duration = distance / GREAT_CIRCLE_SPEEDS_KMH[mode] (seconds, not rounded)
 *
 * Exports:
 * - `DETOUR_FACTOR`, `GREAT_CIRCLE_SPEEDS_KMH`, `EARTH_RADIUS_METERS`
 * - `haversineMeters(a, b)`: straight-line metres on a sphere (same radius as turf's `distance`).
 * - `greatCircleMatrix(points, mode, options?)`: a symmetric `MatrixResult`, engine 'great-circle'.
 * - `createGreatCircleProvider(options?)`: a `RoutingProvider` over `greatCircleMatrix`.
 *
 * The haversine is written out rather than calling turf per pair: a 1,000-point matrix is
 * 500,000 distinct pairs, and precomputing each point's radians and cosine keeps that to a few
 * tens of milliseconds.
 */
import type { LatLng, MatrixResult, RoutingProvider, TravelMode } from './provider.js';

/**
 * Road distance in Indian cities is on average about 1.35 × the straight line (circuity measured
 * on dense, irregular street grids is 1.3–1.4), so straight-line metres are scaled by this.
 */
export const DETOUR_FACTOR = 1.35;

/**
 * Door-to-door average speeds in city traffic. Cars are slower than two-wheelers here: they
 * cannot filter through congestion and lose time parking.
 */
export const GREAT_CIRCLE_SPEEDS_KMH: Readonly<Record<TravelMode, number>> = Object.freeze({
  two_wheeler: 20,
  car: 18,
  walk: 4.5,
});

/** Mean Earth radius, the value turf uses, so `haversineMeters` agrees with `@turf/turf` `distance`. */
export const EARTH_RADIUS_METERS = 6371008.8;

const DEG = Math.PI / 180;

export function haversineMeters(a: LatLng, b: LatLng): number {
  const dLat = (b.lat - a.lat) * DEG;
  const dLng = (b.lng - a.lng) * DEG;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * DEG) * Math.cos(b.lat * DEG) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_METERS * Math.atan2(Math.sqrt(s), Math.sqrt(1 - s));
}

export interface GreatCircleOptions {
  /** Defaults to `DETOUR_FACTOR`. */
  readonly detourFactor?: number;
  /** Per-mode overrides of `GREAT_CIRCLE_SPEEDS_KMH`. */
  readonly speedsKmh?: Partial<Record<TravelMode, number>>;
}

/** Metres per second for `mode`, after any override. */
export function greatCircleSpeedMps(mode: TravelMode, options: GreatCircleOptions = {}): number {
  const kmh = options.speedsKmh?.[mode] ?? GREAT_CIRCLE_SPEEDS_KMH[mode];
  if (!(kmh > 0)) throw new RangeError(`great-circle speed for ${mode} must be positive, got ${kmh}`);
  return kmh / 3.6;
}

/** Estimated road metres and seconds for one leg. */
export function greatCircleLeg(
  a: LatLng,
  b: LatLng,
  mode: TravelMode,
  options: GreatCircleOptions = {},
): { distance: number; duration: number } {
  const distance = haversineMeters(a, b) * (options.detourFactor ?? DETOUR_FACTOR);
  return { distance, duration: distance / greatCircleSpeedMps(mode, options) };
}

export function greatCircleMatrix(
  points: readonly LatLng[],
  mode: TravelMode,
  options: GreatCircleOptions = {},
  warnings: readonly string[] = [],
): MatrixResult {
  const n = points.length;
  const detour = options.detourFactor ?? DETOUR_FACTOR;
  const speed = greatCircleSpeedMps(mode, options);
  const lat = new Float64Array(n);
  const lng = new Float64Array(n);
  const cosLat = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = points[i]!;
    lat[i] = p.lat * DEG;
    lng[i] = p.lng * DEG;
    cosLat[i] = Math.cos(lat[i]!);
  }
  const durations = new Float64Array(n * n);
  const distances = new Float64Array(n * n);
  const scale = 2 * EARTH_RADIUS_METERS * detour;
  for (let i = 0; i < n; i++) {
    const lati = lat[i]!;
    const lngi = lng[i]!;
    const cosi = cosLat[i]!;
    for (let j = i + 1; j < n; j++) {
      const sLat = Math.sin((lat[j]! - lati) / 2);
      const sLng = Math.sin((lng[j]! - lngi) / 2);
      const s = sLat * sLat + cosi * cosLat[j]! * sLng * sLng;
      const d = scale * Math.atan2(Math.sqrt(s), Math.sqrt(1 - s));
      const t = d / speed;
      // Symmetric by construction: both triangles get the identical number.
      distances[i * n + j] = d;
      distances[j * n + i] = d;
      durations[i * n + j] = t;
      durations[j * n + i] = t;
    }
  }
  return { size: n, durations, distances, engine: 'great-circle', warnings };
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

export function createGreatCircleProvider(options: GreatCircleOptions = {}): RoutingProvider {
  return {
    engine: 'great-circle',
    async matrix(points, mode, signal) {
      throwIfAborted(signal);
      return greatCircleMatrix(points, mode, options);
    },
  };
}
