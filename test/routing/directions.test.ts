import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  compileInstructions,
  createGreatCircleDirections,
  createOsrmDirections,
  isSupportedLanguage,
  SUPPORTED_LANGUAGES,
} from '../../src/routing/directions.js';
import { greatCircleLeg } from '../../src/routing/great-circle.js';
import { OsrmClient } from '../../src/routing/osrm.js';
import type { LatLng } from '../../src/routing/provider.js';
import { fakeMetric, startFakeOsrm, type FakeOsrm } from '../support/fake-osrm.js';

let fake: FakeOsrm;
beforeAll(async () => {
  fake = await startFakeOsrm({ maxRouteSize: 500 });
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  fake.clearFault();
  fake.resetCounts();
});

const fast = { retryBaseMs: 1, retryMaxMs: 5 };

// Office → east then north (left turn) → east then south (right turn) → back west.
const stops: LatLng[] = [
  { lat: 12.93, lng: 77.6 },
  { lat: 12.95, lng: 77.62 },
  { lat: 12.94, lng: 77.64 },
  { lat: 12.94, lng: 77.61 },
];

describe('languages', () => {
  it('lists the languages osrm-text-instructions ships', () => {
    expect(SUPPORTED_LANGUAGES).toContain('en');
    expect(SUPPORTED_LANGUAGES).toContain('fr');
    expect(SUPPORTED_LANGUAGES).toContain('es');
    expect(SUPPORTED_LANGUAGES).toContain('pt-BR');
    expect(isSupportedLanguage('en')).toBe(true);
    expect(isSupportedLanguage('hi')).toBe(false);
    expect(isSupportedLanguage('EN')).toBe(false);
    expect(isSupportedLanguage('')).toBe(false);
  });
});

describe('OSRM directions', () => {
  it('one route request; geometry, legs and English instructions', async () => {
    const service = createOsrmDirections(new OsrmClient({ baseUrl: fake.url, ...fast }));
    const d = await service.directions(stops, 'car', 'en');
    expect(fake.count('route')).toBe(1);
    const q = fake.requests[0]!.query;
    expect([q.get('steps'), q.get('geometries'), q.get('overview')]).toEqual(['true', 'geojson', 'full']);
    expect(d.engine).toBe('osrm');
    expect(d.straightLine).toBe(false);
    expect(d.warnings).toEqual([]);
    expect(d.geometry[0]).toEqual([77.6, 12.93]);
    expect(d.geometry[d.geometry.length - 1]).toEqual([77.61, 12.94]);
    // Leg 1 goes east, then turns north: corner at (77.62, 12.93).
    expect(d.geometry[1]).toEqual([77.62, 12.93]);
    expect(d.legs).toHaveLength(3);
    d.legs.forEach((leg, i) => {
      const want = fakeMetric(stops[i]!, stops[i + 1]!, 'driving');
      expect(leg.distance).toBe(want.distance);
      expect(leg.duration).toBe(want.duration);
    });
    expect(d.legs[0]!.instructions).toEqual([
      'Head east on Outer Ring Road',
      'Turn left onto 100 Feet Road',
      'Enter the roundabout and take the 2nd exit onto Hosur Road',
      'You have arrived at your 1st destination',
    ]);
    expect(d.legs[1]!.instructions[1]).toBe('Turn right onto 100 Feet Road');
    expect(d.legs[2]!.instructions).toEqual(['Head west on Outer Ring Road', 'You have arrived at your destination']);
  });

  it('French and Spanish', async () => {
    const service = createOsrmDirections(new OsrmClient({ baseUrl: fake.url, ...fast }));
    const fr = await service.directions(stops.slice(0, 2), 'car', 'fr');
    expect(fr.legs[0]!.instructions).toEqual([
      'Se diriger vers l’est sur Outer Ring Road',
      'Tourner à gauche sur 100 Feet Road',
      'Prendre le giratoire et prendre la seconde sortie sur Hosur Road',
      'Vous êtes arrivé à votre destination',
    ]);
    const es = await service.directions(stops.slice(1, 3), 'car', 'es');
    expect(es.legs[0]!.instructions).toEqual([
      'Ve a este en Outer Ring Road',
      'Gira a la derecha en 100 Feet Road',
      'Entra en la rotonda y toma la 2ª salida a Hosur Road',
      'Has llegado a tu destino',
    ]);
  });

  it('applies the mode’s duration factor and profile', async () => {
    const service = createOsrmDirections(new OsrmClient({ baseUrl: fake.url, durationFactor: { walk: 1.5 }, ...fast }));
    const d = await service.directions(stops.slice(0, 2), 'walk', 'en');
    expect(fake.requests[0]!.profile).toBe('foot');
    expect(d.legs[0]!.duration).toBe(fakeMetric(stops[0]!, stops[1]!, 'foot').duration * 1.5);
  });

  it('splits long itineraries into chunks that share their boundary stop', async () => {
    const many: LatLng[] = Array.from({ length: 250 }, (_, i) => ({
      lat: Math.round((12.9 + (i % 13) * 0.003) * 1e6) / 1e6,
      lng: Math.round((77.55 + i * 0.0005) * 1e6) / 1e6,
    }));
    const service = createOsrmDirections(new OsrmClient({ baseUrl: fake.url, maxRouteCoordinates: 100, ...fast }));
    const d = await service.directions(many, 'two_wheeler', 'en');
    expect(d.engine).toBe('osrm');
    expect(fake.count('route')).toBe(3);
    expect(fake.requests.map((r) => r.coordinates.length).sort()).toEqual([100, 100, 52]);
    expect(d.legs).toHaveLength(249);
    d.legs.forEach((leg, i) => expect(leg.distance).toBe(fakeMetric(many[i]!, many[i + 1]!, 'driving').distance));
    // Geometry is continuous and passes through every stop in order.
    let cursor = 0;
    for (const s of many) {
      const at = d.geometry.findIndex((p, k) => k >= cursor && p[0] === s.lng && p[1] === s.lat);
      expect(at).toBeGreaterThanOrEqual(cursor);
      cursor = at;
    }
    // Only the final leg's arrival is "your destination".
    const arrivals = d.legs.map((l) => l.instructions[l.instructions.length - 1]);
    expect(arrivals.filter((a) => a === 'You have arrived at your destination')).toHaveLength(1);
    expect(arrivals[248]).toBe('You have arrived at your destination');
    expect(arrivals[0]).toBe('You have arrived at your 1st destination');
    expect(arrivals[9]).toBe('You have arrived at your 10th destination');
    expect(arrivals[10]).toBe('You have arrived');
  });

  it('falls back to straight lines on 503, with a warning', async () => {
    fake.setFault({ kind: 'status', status: 503 });
    const service = createOsrmDirections(new OsrmClient({ baseUrl: fake.url, retries: 1, ...fast }));
    const d = await service.directions(stops, 'two_wheeler', 'en');
    expect(d.engine).toBe('great-circle');
    expect(d.straightLine).toBe(true);
    expect(d.geometry).toEqual(stops.map((s) => [s.lng, s.lat]));
    expect(d.legs.every((l) => l.instructions.length === 0)).toBe(true);
    expect(d.legs[0]!.distance).toBeCloseTo(greatCircleLeg(stops[0]!, stops[1]!, 'two_wheeler').distance, 6);
    expect(d.warnings).toEqual(['OSRM unavailable (HTTP 503); route geometry is straight lines between stops']);
    expect(fake.count()).toBe(2);
  });

  it('falls back on a malformed body and on a wrongly shaped one', async () => {
    const service = createOsrmDirections(new OsrmClient({ baseUrl: fake.url, ...fast }));
    fake.setFault({ kind: 'malformed' }, 1);
    expect((await service.directions(stops, 'car', 'en')).warnings[0]).toMatch(/invalid response: body is not JSON/);
    fake.setFault({ kind: 'wrong-shape' }, 1);
    const d = await service.directions(stops, 'car', 'en');
    expect(d.straightLine).toBe(true);
    expect(d.warnings[0]).toMatch(/^OSRM unavailable \(invalid response: routes\.0\./);
  });

  it('falls back when the answer has the wrong number of legs', async () => {
    fake.setFault({ kind: 'truncated' }, 1);
    const d = await createOsrmDirections(new OsrmClient({ baseUrl: fake.url, ...fast })).directions(stops, 'car', 'en');
    expect(d.straightLine).toBe(true);
    expect(d.warnings[0]).toBe('OSRM unavailable (invalid response: body: expected 3 legs for 4 waypoints); route geometry is straight lines between stops');
  });

  it('names the stop OSRM cannot place', async () => {
    const server = await startFakeOsrm({ unsnappable: (p) => p.lat === 12.94 && p.lng === 77.64 });
    try {
      const d = await createOsrmDirections(new OsrmClient({ baseUrl: server.url, ...fast })).directions(stops, 'car', 'en');
      expect(d.engine).toBe('great-circle');
      expect(d.warnings).toEqual(['OSRM failed (stop 2 could not be matched to the road network); route geometry is straight lines between stops']);
    } finally {
      await server.close();
    }
  });

  it('uses English for an unsupported language, with a warning', async () => {
    const d = await createOsrmDirections(new OsrmClient({ baseUrl: fake.url, ...fast })).directions(stops.slice(0, 2), 'car', 'hi');
    expect(d.legs[0]!.instructions[0]).toBe('Head east on Outer Ring Road');
    expect(d.warnings).toEqual(["instruction language 'hi' is not supported; using English"]);
  });

  it('a single stop needs no request', async () => {
    const d = await createOsrmDirections(new OsrmClient({ baseUrl: fake.url })).directions(stops.slice(0, 1), 'car', 'en');
    expect(d.legs).toEqual([]);
    expect(d.geometry).toEqual([[77.6, 12.93]]);
    expect(fake.count()).toBe(0);
  });

  it('rejects only on abort', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(createOsrmDirections(new OsrmClient({ baseUrl: fake.url })).directions(stops, 'car', 'en', controller.signal)).rejects.toThrow('stop');
  });
});

describe('great-circle directions', () => {
  it('straight segments, consecutive duplicates skipped, no instructions', async () => {
    const withBreak = [stops[0]!, stops[1]!, stops[1]!, stops[2]!];
    const d = await createGreatCircleDirections().directions(withBreak, 'walk', 'en');
    expect(d).toMatchObject({ engine: 'great-circle', straightLine: true, warnings: [] });
    expect(d.geometry).toEqual([stops[0], stops[1], stops[2]].map((s) => [s!.lng, s!.lat]));
    expect(d.legs).toHaveLength(3);
    expect(d.legs[1]!.distance).toBe(0);
    expect(d.legs[2]!.duration).toBeCloseTo(greatCircleLeg(stops[1]!, stops[2]!, 'walk').duration, 9);
  });
});

describe('instruction compiler', () => {
  const step = (type: string, modifier?: string, extra: object = {}) => ({
    maneuver: { type, ...(modifier ? { modifier } : {}), bearing_before: 0, bearing_after: 180, location: [77.6, 12.9] },
    name: 'Residency Road',
    mode: 'driving',
    ...extra,
  });

  it('phrases other maneuvers, and unknown types as turns', () => {
    const text = compileInstructions(
      [
        step('depart'),
        step('new name', 'straight'),
        step('end of road', 'right'),
        step('fork', 'slight left'),
        step('rotary', 'straight', { rotary_name: 'Sony World Junction', maneuver: { type: 'rotary', modifier: 'straight', exit: 3, bearing_before: 0, bearing_after: 90, location: [77.6, 12.9] } }),
        step('sharp new maneuver', 'left'),
        step('arrive'),
      ],
      'en',
      0,
      1,
    );
    expect(text).toEqual([
      'Head south on Residency Road',
      'Continue onto Residency Road',
      'Turn right onto Residency Road',
      'Keep left onto Residency Road',
      'Enter Sony World Junction and take the 3rd exit onto Residency Road',
      'Turn left onto Residency Road',
      'You have arrived at your destination',
    ]);
  });
});
