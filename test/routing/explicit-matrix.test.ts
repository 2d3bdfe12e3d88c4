import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createExplicitMatrixProvider, explicitMatrix } from '../../src/routing/explicit-matrix.js';

describe('explicit matrix engine', () => {
  const durations = [
    [0, 100, 200, 300],
    [110, 0, 210, null],
    [120, 220, 0, 320],
    [130, 230, 330, 0],
  ];
  const distances = durations.map((row, i) => row.map((x, j) => (x === null ? null : x * 10 + i + j)));

  it('returns the sub-matrix for the given indices, in their order', () => {
    const m = explicitMatrix(durations, distances, [2, 0, 3]);
    expect(m.engine).toBe('matrix');
    expect(m.size).toBe(3);
    expect(Array.from(m.durations)).toEqual([0, 120, 320, 200, 0, 300, 330, 130, 0]);
    expect(Array.from(m.distances)).toEqual([4, 1202, 3205, 2002, 0, 3003, 3305, 1303, 6]) // the diagonal is copied as given, not forced to 0;
  });

  it('maps null (no road) to Infinity', () => {
    const m = explicitMatrix(durations, distances, [1, 3]);
    expect(m.durations[1]).toBe(Infinity);
    expect(m.distances[1]).toBe(Infinity);
    expect(m.durations[2]).toBe(230);
  });

  it('any index list picks exactly input[indices[a]][indices[b]]', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 8 }), (indices) => {
        const m = explicitMatrix(durations, distances, indices);
        indices.forEach((i, a) =>
          indices.forEach((j, b) => {
            expect(m.durations[a * indices.length + b]).toBe(durations[i]![j] ?? Infinity);
          }),
        );
      }),
    );
  });

  it('guards sizes and indices', () => {
    expect(() => explicitMatrix(durations, distances.slice(0, 3), [0])).toThrow(/distancesMeters has 3 rows/);
    expect(() => explicitMatrix([[0, 1], [1]], [[0, 1], [1, 0]], [0])).toThrow(/row 1 has 1 entries/);
    expect(() => explicitMatrix(durations, distances, [0, 4])).toThrow(/point 1 has matrixIndex 4/);
    expect(() => explicitMatrix(durations, distances, [1.5])).toThrow(RangeError);
  });

  it('provider reads each point’s matrixIndex and ignores the travel mode', async () => {
    const provider = createExplicitMatrixProvider({ durationsSeconds: durations, distancesMeters: distances });
    expect(provider.engine).toBe('matrix');
    const points = [
      { lat: 12.9, lng: 77.6, matrixIndex: 3 },
      { lat: 12.95, lng: 77.61, matrixIndex: 0 },
    ];
    const car = await provider.matrix(points, 'car');
    const walk = await provider.matrix(points, 'walk');
    expect(Array.from(car.durations)).toEqual([0, 130, 300, 0]);
    expect(walk.durations).toEqual(car.durations);
    await expect(provider.matrix([{ lat: 1, lng: 2 }], 'car')).rejects.toThrow(/no matrixIndex/);
    expect(() => createExplicitMatrixProvider({ durationsSeconds: durations, distancesMeters: [[0]] })).toThrow(RangeError);
  });
});
