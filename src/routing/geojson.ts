/**
 * A plan as an RFC 7946 GeoJSON FeatureCollection ([lng, lat] positions, no `crs`), styled with
 * simplestyle properties so geojson.io and similar viewers colour each executive's route.
 *
 * Exports:
 * - `GeoJsonPlanInput` (structural input type; the domain's plan result fits it),
 * - `planToFeatureCollection(plan)`: FeatureCollection<LineString | Point | null geometry>,
 * - `ROUTE_COLOURS`: the palette, cycled by itinerary index.
 *
 * Features, in this order:
 * - per itinerary, one LineString (properties: featureType 'route', executiveId, distanceMeters,
 *   travelSeconds, stopCount, straightLine, stroke, stroke-width, stroke-opacity). Its positions are
 *   the `geometry` when given (≥ 2 distinct positions; `straightLine` copied from it), else the
 *   stops in order with consecutive duplicates skipped (`straightLine: true`). An itinerary whose stops are all at one place has
 *   no LineString (GeoJSON needs ≥ 2 positions); its stop Points still carry its executiveId.
 * - per stop, one Point (featureType 'stop', executiveId, sequence (0-based position in the
 *   itinerary), kind, caseId when a visit, eta (= arrival ISO string), departure, marker-color,
 *   marker-size);
 * - per unassigned case, one Feature (featureType 'unassigned', caseId, reason, marker-color):
 *   a Point at its location, or `geometry: null` when the case has no location.
 */
import { feature, featureCollection, lineString, point } from '@turf/turf';
import type { Feature, FeatureCollection, Geometry, LineString, Point, Position } from 'geojson';

export interface GeoJsonPlanInput {
  readonly itineraries: readonly {
    readonly executiveId: string;
    /**
     * Route geometry: [lng, lat] positions, or a GeoJSON LineString geometry (optionally flagged
     * `straightLine` when it is segments between stops rather than roads).
     */
    readonly geometry?: RoutePositions | { readonly type: 'LineString'; readonly coordinates: RoutePositions; readonly straightLine?: boolean } | undefined;
    readonly distanceMeters: number;
    readonly travelSeconds: number;
    readonly stops: readonly {
      readonly kind: 'start' | 'visit' | 'break' | 'end';
      readonly caseId?: string | undefined;
      readonly location: { readonly lat: number; readonly lng: number };
      readonly arrival: string;
      readonly departure: string;
    }[];
  }[];
  readonly unassigned: readonly {
    readonly caseId: string;
    readonly reason: string;
    readonly location?: { readonly lat: number; readonly lng: number } | undefined;
  }[];
}

/** [lng, lat] (extra members such as altitude are dropped). */
export type RoutePositions = readonly (readonly number[])[];

/** Distinct, print-safe colours (Tableau 10), cycled. */
export const ROUTE_COLOURS: readonly string[] = Object.freeze([
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
]);

const UNASSIGNED_COLOUR = '#555555';

function dedupe(positions: RoutePositions): Position[] {
  const out: Position[] = [];
  for (const position of positions) {
    const [lng, lat] = position;
    if (lng === undefined || lat === undefined) throw new RangeError('a route position needs [lng, lat]');
    const last = out[out.length - 1];
    if (!last || last[0] !== lng || last[1] !== lat) out.push([lng, lat]);
  }
  return out;
}

export function planToFeatureCollection(plan: GeoJsonPlanInput): FeatureCollection<Geometry | null> {
  const lines: Feature<LineString>[] = [];
  const stops: Feature<Point>[] = [];
  plan.itineraries.forEach((itinerary, index) => {
    const colour = ROUTE_COLOURS[index % ROUTE_COLOURS.length]!;
    const given = itinerary.geometry;
    const coordinates = given === undefined ? [] : 'coordinates' in given ? given.coordinates : given;
    const road = dedupe(coordinates);
    const flaggedStraight = given !== undefined && 'straightLine' in given && given.straightLine === true;
    const straightLine = road.length < 2 || flaggedStraight;
    const positions = road.length < 2 ? dedupe(itinerary.stops.map((s) => [s.location.lng, s.location.lat] as const)) : road;
    if (positions.length >= 2) {
      lines.push(
        lineString(positions, {
          featureType: 'route',
          executiveId: itinerary.executiveId,
          distanceMeters: itinerary.distanceMeters,
          travelSeconds: itinerary.travelSeconds,
          stopCount: itinerary.stops.length,
          straightLine,
          stroke: colour,
          'stroke-width': 4,
          'stroke-opacity': 0.85,
        }),
      );
    }
    itinerary.stops.forEach((stop, sequence) => {
      stops.push(
        point([stop.location.lng, stop.location.lat], {
          featureType: 'stop',
          executiveId: itinerary.executiveId,
          sequence,
          kind: stop.kind,
          ...(stop.caseId !== undefined ? { caseId: stop.caseId } : {}),
          eta: stop.arrival,
          departure: stop.departure,
          'marker-color': colour,
          'marker-size': stop.kind === 'visit' ? 'medium' : 'small',
        }),
      );
    });
  });
  const unassigned = plan.unassigned.map((u) => {
    const properties = { featureType: 'unassigned', caseId: u.caseId, reason: u.reason, 'marker-color': UNASSIGNED_COLOUR };
    return u.location ? point([u.location.lng, u.location.lat], properties) : feature(null, properties);
  });
  // turf's types do not admit null-geometry features in a collection, though GeoJSON does.
  const features = [...lines, ...stops, ...unassigned] as Feature<Geometry>[];
  return featureCollection(features) as FeatureCollection<Geometry | null>;
}
