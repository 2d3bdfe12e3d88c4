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
  /**
   * Row-major seconds, `durations[from * size + to]`. Diagonal 0.
   * `Infinity` means "no road" (OSRM found no route between the pair, or a point is unroutable);
   * no finite penalty is substituted here.
   */
  readonly durations: Float64Array;
  /** Row-major metres; `Infinity` exactly where `durations` is. */
  readonly distances: Float64Array;
  /** The engine these numbers actually came from (after any fallback). */
  readonly engine: RoutingEngine;
  readonly warnings: readonly string[];
  /**
   * Indices of points the road network could not place (OSRM `NoSegment`).
   * Their rows and columns are `Infinity` (diagonal 0); the rest of the matrix is real.
   * Absent or empty when every point was routable.
   */
  readonly unroutable?: readonly number[];
}

export interface RoutingProvider {
  readonly engine: RoutingEngine;
  matrix(points: readonly LatLng[], mode: TravelMode, signal?: AbortSignal): Promise<MatrixResult>;
}
