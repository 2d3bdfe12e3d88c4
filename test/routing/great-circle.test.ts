import { distance as turfDistance, point } from '@turf/turf';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createGreatCircleProvider,
  DETOUR_FACTOR,
  GREAT_CIRCLE_SPEEDS_KMH,
  greatCircleMatrix,
  haversineMeters,
} from '../../src/routing/great-circle.js';
import { TRAVEL_MODES, type LatLng } from '../../src/routing/provider.js';

const latLng = fc.record({
  lat: fc.double({ min: -85, max: 85, noNaN: true }),
  lng: fc.double({ min: -180, max: 180, noNaN: true }),
});

/** Points around Bengaluru, where the service runs. */
function cityPoints(n: number, seed = 1): LatLng[] {
  let s = seed;
  const rnd = (): number => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
  return Array.from({ length: n }, () => ({ lat: 12.85 + rnd() * 0.25, lng: 77.45 + rnd() * 0.3 }));
}

describe('great-circle engine', () => {
  it('uses the documented constants', () => {
    expect(DETOUR_FACTOR).toBe(1.35);
    expect(GREAT_CIRCLE_SPEEDS_KMH).toEqual({ two_wheeler: 20, car: 18, walk: 4.5 });
  });

  it('haversine agrees with turf distance', () => {
    fc.assert(
      fc.property(latLng, latLng, (a, b) => {
        const ours = haversineMeters(a, b);
        const turf = turfDistance(point([a.lng, a.lat]), point([b.lng, b.lat]), { units: 'meters' });
        expect(Math.abs(ours - turf)).toBeLessThanOrEqual(1e-6 * Math.max(1, turf));
      }),
    );
  });

  it('MG Road to Koramangala: straight line × 1.35, at each mode speed', () => {
    const mgRoad = { lat: 12.9756, lng: 77.6066 };
    const koramangala = { lat: 12.9352, lng: 77.6245 };
    const straight = haversineMeters(mgRoad, koramangala);
    expect(straight).toBeGreaterThan(4_800);
    expect(straight).toBeLessThan(4_900);
    for (const mode of TRAVEL_MODES) {
      const m = greatCircleMatrix([mgRoad, koramangala], mode);
      expect(m.engine).toBe('great-circle');
      expect(m.distances[1]).toBeCloseTo(straight * 1.35, 6);
      expect(m.durations[1]).toBeCloseTo((straight * 1.35) / (GREAT_CIRCLE_SPEEDS_KMH[mode] / 3.6), 6);
    }
    // Two-wheelers beat cars in city traffic; walking is slowest.
    const t = (mode: 'two_wheeler' | 'car' | 'walk'): number => greatCircleMatrix([mgRoad, koramangala], mode).durations[1]!;
    expect(t('two_wheeler')).toBeLessThan(t('car'));
    expect(t('car')).toBeLessThan(t('walk'));
  });

  it('is symmetric with a zero diagonal, and consistent with pairwise legs', () => {
    fc.assert(
      fc.property(fc.array(latLng, { minLength: 1, maxLength: 12 }), fc.constantFrom(...TRAVEL_MODES), (points, mode) => {
        const m = greatCircleMatrix(points, mode);
        const n = points.length;
        expect(m.size).toBe(n);
        for (let i = 0; i < n; i++) {
          expect(m.durations[i * n + i]).toBe(0);
          expect(m.distances[i * n + i]).toBe(0);
          for (let j = 0; j < n; j++) {
            expect(m.durations[i * n + j]).toBe(m.durations[j * n + i]);
            expect(m.distances[i * n + j]).toBe(m.distances[j * n + i]);
            const expected = haversineMeters(points[i]!, points[j]!) * DETOUR_FACTOR;
            expect(Math.abs(m.distances[i * n + j]! - expected)).toBeLessThanOrEqual(1e-6 * Math.max(1, expected));
          }
        }
      }),
      { numRuns: 50 },
    );
  });

  it('takes overrides for the detour factor and speeds', () => {
    const pts = cityPoints(2);
    const base = greatCircleMatrix(pts, 'car');
    const other = greatCircleMatrix(pts, 'car', { detourFactor: 2.7, speedsKmh: { car: 36 } });
    expect(other.distances[1]).toBeCloseTo(base.distances[1]! * 2, 6);
    expect(other.durations[1]).toBeCloseTo(base.durations[1]!, 6);
    expect(() => greatCircleMatrix(pts, 'car', { speedsKmh: { car: 0 } })).toThrow(RangeError);
  });

  it('builds a 1,000-point matrix in well under a second', () => {
    const pts = cityPoints(1000, 7);
    greatCircleMatrix(pts.slice(0, 50), 'car'); // warm up the JIT
    const started = performance.now();
    const m = greatCircleMatrix(pts, 'two_wheeler');
    const ms = performance.now() - started;
    console.info(`great-circle 1000×1000 matrix: ${ms.toFixed(1)} ms`);
    expect(m.durations.length).toBe(1_000_000);
    expect(m.durations.every((x) => Number.isFinite(x) && x >= 0)).toBe(true);
    expect(ms).toBeLessThan(500);
  });

  it('provider rejects only on abort', async () => {
    const provider = createGreatCircleProvider();
    expect(provider.engine).toBe('great-circle');
    const ok = await provider.matrix(cityPoints(3), 'walk');
    expect(ok.size).toBe(3);
    const controller = new AbortController();
    controller.abort(new Error('client went away'));
    await expect(provider.matrix(cityPoints(3), 'walk', controller.signal)).rejects.toThrow('client went away');
  });
});
