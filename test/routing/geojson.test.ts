import { featureOf, geojsonType } from '@turf/turf';
import { describe, expect, it } from 'vitest';
import { planToFeatureCollection, ROUTE_COLOURS, type GeoJsonPlanInput } from '../../src/routing/geojson.js';

type Json = Record<string, unknown>;

/** Structural RFC 7946 checks for what this export can contain. */
function validateFeatureCollection(fc: unknown): string[] {
  const errors: string[] = [];
  const isPosition = (p: unknown): boolean =>
    Array.isArray(p) &&
    p.length >= 2 &&
    p.every((x) => typeof x === 'number' && Number.isFinite(x)) &&
    Math.abs(p[0] as number) <= 180 &&
    Math.abs(p[1] as number) <= 90;
  if (typeof fc !== 'object' || fc === null) return ['not an object'];
  const c = fc as Json;
  if (c.type !== 'FeatureCollection') errors.push('type is not FeatureCollection');
  if ('crs' in c) errors.push('crs is not allowed (RFC 7946 §4)');
  if (!Array.isArray(c.features)) return [...errors, 'features is not an array'];
  c.features.forEach((f: unknown, i) => {
    const feature = f as Json;
    if (feature.type !== 'Feature') errors.push(`features[${i}].type`);
    if (typeof feature.properties !== 'object') errors.push(`features[${i}].properties`);
    if (!('geometry' in feature)) errors.push(`features[${i}] has no geometry member`);
    const g = feature.geometry as Json | null;
    if (g === null) return;
    if (g.type === 'Point') {
      if (!isPosition(g.coordinates)) errors.push(`features[${i}] Point position`);
    } else if (g.type === 'LineString') {
      const coords = g.coordinates as unknown[];
      if (!Array.isArray(coords) || coords.length < 2) errors.push(`features[${i}] LineString needs ≥ 2 positions`);
      else if (!coords.every(isPosition)) errors.push(`features[${i}] LineString position`);
    } else {
      errors.push(`features[${i}] unexpected geometry ${String(g.type)}`);
    }
  });
  return errors;
}

const at = (lat: number, lng: number) => ({ lat, lng });
const stop = (kind: 'start' | 'visit' | 'break' | 'end', location: { lat: number; lng: number }, time: string, caseId?: string) => ({
  kind,
  location,
  arrival: `2025-03-03T${time}:00+05:30`,
  departure: `2025-03-03T${time}:00+05:30`,
  ...(caseId ? { caseId } : {}),
});

const office = at(12.9716, 77.5946);
const plan: GeoJsonPlanInput = {
  itineraries: [
    {
      executiveId: 'exec-1',
      distanceMeters: 8_400,
      travelSeconds: 1_500,
      geometry: {
        type: 'LineString',
        coordinates: [
          [77.5946, 12.9716],
          [77.6, 12.9716],
          [77.6, 12.96],
          [77.6, 12.96],
          [77.5946, 12.9716],
        ],
        straightLine: false,
      },
      stops: [stop('start', office, '09:00'), stop('visit', at(12.96, 77.6), '09:20', 'case-1'), stop('end', office, '10:00')],
    },
    {
      executiveId: 'exec-2',
      distanceMeters: 5_000,
      travelSeconds: 900,
      stops: [
        stop('start', office, '09:00'),
        stop('visit', at(12.98, 77.61), '09:15', 'case-2'),
        stop('break', at(12.98, 77.61), '10:00'),
        stop('visit', at(12.99, 77.62), '11:00', 'case-3'),
        stop('end', office, '12:00'),
      ],
    },
    // Did not leave the office: all stops in one place.
    { executiveId: 'exec-3', distanceMeters: 0, travelSeconds: 0, stops: [stop('start', office, '09:00'), stop('end', office, '09:00')] },
  ],
  unassigned: [
    { caseId: 'case-9', reason: 'outside_territory', location: at(13.1, 77.7) },
    { caseId: 'case-10', reason: 'location_not_routable' },
  ],
};

describe('planToFeatureCollection', () => {
  const fc = planToFeatureCollection(plan);
  const byType = (t: string) => fc.features.filter((f) => f.properties?.featureType === t);

  it('is valid RFC 7946 GeoJSON', () => {
    expect(validateFeatureCollection(JSON.parse(JSON.stringify(fc)))).toEqual([]);
    geojsonType(fc, 'FeatureCollection', 'plan');
    for (const f of byType('route')) featureOf(f as never, 'LineString', 'route');
    for (const f of byType('stop')) featureOf(f as never, 'Point', 'stop');
  });

  it('the validator catches what it should', () => {
    expect(validateFeatureCollection({ type: 'FeatureCollection', crs: {}, features: [] })).toContain('crs is not allowed (RFC 7946 §4)');
    const latFirst = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [12.97, 177.59] } }] };
    expect(validateFeatureCollection(latFirst)).toEqual(['features[0] Point position']);
  });

  it('one LineString per itinerary that moves, with simplestyle colours', () => {
    const routes = byType('route');
    expect(routes.map((r) => r.properties!.executiveId)).toEqual(['exec-1', 'exec-2']);
    const [r1, r2] = routes as [(typeof routes)[number], (typeof routes)[number]];
    expect(r1.properties).toMatchObject({ distanceMeters: 8_400, travelSeconds: 1_500, straightLine: false, stroke: ROUTE_COLOURS[0], 'stroke-width': 4 });
    expect(r2.properties).toMatchObject({ straightLine: true, stroke: ROUTE_COLOURS[1] });
    // Road geometry as given, consecutive duplicates dropped; [lng, lat] order.
    expect((r1.geometry as { coordinates: number[][] }).coordinates).toEqual([
      [77.5946, 12.9716],
      [77.6, 12.9716],
      [77.6, 12.96],
      [77.5946, 12.9716],
    ]);
    // No geometry: the stops, the break at the visit's place counted once.
    expect((r2.geometry as { coordinates: number[][] }).coordinates).toEqual([
      [77.5946, 12.9716],
      [77.61, 12.98],
      [77.62, 12.99],
      [77.5946, 12.9716],
    ]);
  });

  it('one Point per stop with sequence, kind, case, eta and colour', () => {
    const stops = byType('stop');
    expect(stops).toHaveLength(3 + 5 + 2);
    const visit = stops.find((s) => s.properties!.caseId === 'case-3')!;
    expect(visit.properties).toMatchObject({
      executiveId: 'exec-2',
      sequence: 3,
      kind: 'visit',
      eta: '2025-03-03T11:00:00+05:30',
      'marker-color': ROUTE_COLOURS[1],
    });
    expect((visit.geometry as { coordinates: number[] }).coordinates).toEqual([77.62, 12.99]);
    expect(stops.filter((s) => s.properties!.executiveId === 'exec-3')).toHaveLength(2);
    expect(stops.find((s) => s.properties!.kind === 'break')!.properties!.caseId).toBeUndefined();
  });

  it('unassigned cases: a Point when located, null geometry otherwise', () => {
    const un = byType('unassigned');
    expect(un.map((u) => [u.properties!.caseId, u.properties!.reason])).toEqual([
      ['case-9', 'outside_territory'],
      ['case-10', 'location_not_routable'],
    ]);
    expect((un[0]!.geometry as { coordinates: number[] }).coordinates).toEqual([77.7, 13.1]);
    expect(un[1]!.geometry).toBeNull();
  });

  it('accepts plain position arrays as geometry, and an empty plan', () => {
    const out = planToFeatureCollection({
      itineraries: [{ ...plan.itineraries[1]!, geometry: [[77.5, 12.9], [77.51, 12.91]] }],
      unassigned: [],
    });
    expect((out.features[0]!.geometry as { coordinates: number[][] }).coordinates).toEqual([[77.5, 12.9], [77.51, 12.91]]);
    expect(out.features[0]!.properties!.straightLine).toBe(false);
    expect(planToFeatureCollection({ itineraries: [], unassigned: [] })).toEqual({ type: 'FeatureCollection', features: [] });
  });
});
