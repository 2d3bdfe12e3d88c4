import { describe, expect, it } from 'vitest';
import { CITIES, generateDay } from '../../fixtures/generate.js';
import { PlanRequestSchema } from '../../src/http/schemas/plan-request.js';
import { partitionRequest } from '../../src/geo/partition.js';

const day = PlanRequestSchema.parse(
  generateDay({ seed: 2, cities: [CITIES.bengaluru!, CITIES.chennai!], executivesPerCity: 10, casesPerCity: 300 }),
);

describe('partitionRequest', () => {
  it('leaves small requests and client-matrix requests whole', () => {
    expect(partitionRequest(day, { minCases: 1_000, targetCases: 100 })).toBeNull();
  });

  it('splits by geography: every case and executive in exactly one region, cities apart', () => {
    const regions = partitionRequest(day, { minCases: 100, targetCases: 150 })!;
    expect(regions.length).toBe(4);
    const cases = regions.flatMap((r) => r.caseIndices).sort((a, b) => a - b);
    const execs = regions.flatMap((r) => r.executiveIndices).sort((a, b) => a - b);
    expect(cases).toEqual(day.cases.map((_, i) => i));
    expect(execs).toEqual(day.executives.map((_, i) => i));
    for (const r of regions) {
      expect(r.executiveIndices.length).toBeGreaterThan(0);
      const cities = new Set(r.request.cases.map((c) => c.id.slice(0, 3)));
      expect(cities.size).toBe(1); // Bengaluru and Chennai never share a region
      const execCities = new Set(r.request.executives.map((e) => e.id.slice(0, 3)));
      expect(execCities).toEqual(cities);
    }
  });

  it('keeps pinned cases with their executive and is deterministic', () => {
    const a = partitionRequest(day, { minCases: 100, targetCases: 150 })!;
    const b = partitionRequest(day, { minCases: 100, targetCases: 150 })!;
    expect(a.map((r) => r.caseIndices)).toEqual(b.map((r) => r.caseIndices));
    for (const r of a) {
      const ids = new Set(r.request.executives.map((e) => e.id));
      for (const c of r.request.cases) if (c.executiveId) expect(ids.has(c.executiveId)).toBe(true);
    }
  });
});
