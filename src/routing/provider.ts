/**
 * Where travel times come from. The domain mapping asks one `RoutingProvider`
 * for a matrix per travel mode; which engine answers (great-circle, an explicit
 * matrix from the request, or OSRM) is decided once, in `routing/index.ts`.
 */

export type TravelMode = 'two_wheeler' | 'car' | 'walk';
export const TRAVEL_MODES: readonly TravelMode[] = ['two_wheeler', 'car', 'walk'];

export type RoutingEngine = 'osrm' | 'matrix' | 'great-circle';

export interface LatLng {
  readonly lat: number;
  readonly lng: number;
}

export interface MatrixResult {
  readonly size: number;
  /** Row-major seconds, `durations[from * size + to]`. */
  readonly durations: Float64Array;
  /** Row-major metres. */
  readonly distances: Float64Array;
  /** The engine these numbers actually came from (after any fallback). */
  readonly engine: RoutingEngine;
  readonly warnings: readonly string[];
}

export interface RoutingProvider {
  readonly engine: RoutingEngine;
  matrix(points: readonly LatLng[], mode: TravelMode, signal?: AbortSignal): Promise<MatrixResult>;
}
