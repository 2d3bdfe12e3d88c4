/**
 * Entry point of the routing layer.
 *
 * `createRoutingProvider(options)` → `RoutingService`:
 * - `engine`: 'osrm' when `options.osrm` is given, else 'great-circle';
 * - `matrix(points, mode, signal?)`: for requests without an explicit matrix. With OSRM, the
 *   matrix goes through the cache (when `options.cache` is given) and falls back to great-circle
 *   on any OSRM fault (see osrm.ts). Check `result.engine`, `result.warnings` and
 *   `result.unroutable`; `Infinity` entries mean "no road".
 * - `directions(stops, mode, language, signal?)`: road geometry and instructions for one
 *   itinerary (straight lines when OSRM is absent or failing; see directions.ts).
 * - `breakerStates()`: per-mode circuit state when OSRM is configured (for health output), else null.
 *
 * Requests that carry their own matrix use `createExplicitMatrixProvider(input)` instead.
 * Only the caller's abort rejects; routing faults become warnings.
 */
import type { BreakerState } from './breaker.js';
import { cachedProvider, DEFAULT_MATRIX_CACHE_TTL_SECONDS, type MatrixCache } from './cache.js';
import { createGreatCircleDirections, createOsrmDirections, type Directions } from './directions.js';
import { createGreatCircleProvider, type GreatCircleOptions } from './great-circle.js';
import { createOsrmProvider, type OsrmCallHook, type OsrmConfig } from './osrm.js';
import { TRAVEL_MODES, type LatLng, type RoutingProvider, type TravelMode } from './provider.js';
import type { RoutingLogger } from './util.js';

export * from './provider.js';
export * from './great-circle.js';
export * from './explicit-matrix.js';
export * from './osrm.js';
export * from './cache.js';
export * from './directions.js';
export * from './geojson.js';
export { CircuitBreaker, type BreakerState, type BreakerOptions } from './breaker.js';
export type { RoutingLogger } from './util.js';

export interface CreateRoutingProviderOptions {
  readonly osrm?: OsrmConfig | undefined;
  /** Matrix cache for OSRM results (great-circle is cheaper to compute than to fetch). */
  readonly cache?: { readonly cache: MatrixCache; readonly ttlSeconds?: number; readonly keyPrefix?: string } | undefined;
  readonly logger?: RoutingLogger | undefined;
  /** OSRM call metrics, see `OsrmCallHook`. */
  readonly onCall?: OsrmCallHook | undefined;
  /** Matrix cache lookups, for metrics. */
  readonly onCacheLookup?: ((outcome: 'hit' | 'miss' | 'error') => void) | undefined;
  /** Overrides for the great-circle engine (used alone or as the OSRM fallback). */
  readonly greatCircle?: GreatCircleOptions | undefined;
}

export interface RoutingService extends RoutingProvider {
  directions(stops: readonly LatLng[], mode: TravelMode, language: string, signal?: AbortSignal): Promise<Directions>;
  breakerStates(): Record<TravelMode, BreakerState> | null;
}

export function createRoutingProvider(options: CreateRoutingProviderOptions = {}): RoutingService {
  const { logger, onCall } = options;
  if (!options.osrm) {
    const provider = createGreatCircleProvider(options.greatCircle);
    const directions = createGreatCircleDirections(options.greatCircle);
    return {
      engine: provider.engine,
      matrix: (points, mode, signal) => provider.matrix(points, mode, signal),
      directions: (stops, mode, language, signal) => directions.directions(stops, mode, language, signal),
      breakerStates: () => null,
    };
  }
  const osrm = createOsrmProvider(
    { ...options.osrm, ...(options.greatCircle ? { greatCircle: options.greatCircle } : {}) },
    { ...(logger ? { logger } : {}), ...(onCall ? { onCall } : {}) },
  );
  const matrixProvider = options.cache
    ? cachedProvider(
        osrm,
        options.cache.cache,
        options.cache.ttlSeconds ?? DEFAULT_MATRIX_CACHE_TTL_SECONDS,
        (mode) => osrm.cacheKeyInfo(mode),
        {
          ...(logger ? { logger } : {}),
          ...(options.cache.keyPrefix ? { keyPrefix: options.cache.keyPrefix } : {}),
          ...(options.onCacheLookup ? { onLookup: options.onCacheLookup } : {}),
        },
      )
    : osrm;
  const directions = createOsrmDirections(osrm.client, logger ? { logger } : {});
  return {
    engine: 'osrm',
    matrix: (points, mode, signal) => matrixProvider.matrix(points, mode, signal),
    directions: (stops, mode, language, signal) => directions.directions(stops, mode, language, signal),
    breakerStates: () =>
      Object.fromEntries(TRAVEL_MODES.map((mode) => [mode, osrm.client.breakerState(mode)])) as Record<TravelMode, BreakerState>,
  };
}
