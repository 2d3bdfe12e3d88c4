import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DayClock, isValidDate, isValidTimeZone, localToEpoch } from '../../src/domain/time.js';

describe('DayClock', () => {
  it('maps clock times in Asia/Kolkata (+05:30, no DST)', () => {
    const c = new DayClock('2026-11-24', 'Asia/Kolkata');
    expect(c.dayStart).toBe(Date.parse('2026-11-23T18:30:00Z') / 1000);
    expect(c.toSolver('08:00')).toBe(8 * 3600);
    expect(c.toIso(8 * 3600 + 0.25)).toBe('2026-11-24T08:00:00.250+05:30');
    expect(c.toIso(19 * 3600)).toBe('2026-11-24T19:00:00+05:30');
  });

  it('counts real seconds across a DST change', () => {
    // Europe/Berlin falls back at 03:00 CEST on 2026-10-25: the day has 25 hours.
    const c = new DayClock('2026-10-25', 'Europe/Berlin');
    expect(c.toSolver('12:00')).toBe(13 * 3600);
    expect(c.toIso(c.toSolver('12:00'))).toBe('2026-10-25T12:00:00+01:00');
    expect(c.toIso(c.toSolver('01:00'))).toBe('2026-10-25T01:00:00+02:00');
    // America/New_York springs forward on 2026-03-08: 02:00–03:00 does not exist.
    const ny = new DayClock('2026-03-08', 'America/New_York');
    expect(ny.toSolver('09:00')).toBe(8 * 3600);
  });

  it('round-trips any minute of any day in several zones', () => {
    const zones = ['Asia/Kolkata', 'America/New_York', 'Europe/London', 'Australia/Adelaide', 'Asia/Kathmandu'];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 729 }), fc.integer({ min: 0, max: 1439 }), fc.constantFrom(...zones), (day, minute, zone) => {
        const date = new Date(Date.UTC(2026, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
        const hhmm = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
        const c = new DayClock(date, zone);
        const iso = c.toIso(c.toSolver(hhmm));
        // The printed instant is the one computed, and its offset is the zone's.
        expect(Date.parse(iso) / 1000).toBe(c.epoch(c.toSolver(hhmm)));
        const wall = iso.slice(11, 16);
        // Outside a DST gap, the wall clock reads what was asked.
        if (localToEpoch(date, minute * 60, zone) === localToEpoch(date, minute * 60 + 3600, zone) - 3600) expect(wall).toBe(hhmm);
      }),
      { numRuns: 300 },
    );
  });

  it('validates dates and zones', () => {
    expect(isValidDate('2026-02-29')).toBe(false);
    expect(isValidDate('2028-02-29')).toBe(true);
    expect(isValidDate('2026-1-01')).toBe(false);
    expect(isValidTimeZone('Asia/Kolkata')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});
