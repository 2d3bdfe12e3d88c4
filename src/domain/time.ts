/**
 * Clock times and time zones. Requests speak "HH:MM" on a date in an IANA
 * zone; the solver speaks seconds from the local midnight that starts the day
 * (`dayStart`). Conversions go through real instants, so a day with a DST
 * change is still right to the second.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function isValidDate(date: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === date;
}

/** Offset of the zone from UTC at an instant, in whole seconds. */
export function offsetSeconds(timeZone: string, epochMs: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(epochMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 1000);
}

/** The instant (epoch seconds) of local wall time `date` + `seconds` after midnight in the zone. */
export function localToEpoch(date: string, secondsAfterMidnight: number, timeZone: string): number {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, mo - 1, d) / 1000 + secondsAfterMidnight;
  // Two rounds settle the offset except inside a DST gap, where the later offset wins.
  let t = wall - offsetSeconds(timeZone, wall * 1000);
  t = wall - offsetSeconds(timeZone, t * 1000);
  return t;
}

export function parseClock(hhmm: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) {
    if (hhmm === '24:00') return 86_400;
    throw new Error(`invalid clock time ${hhmm}`);
  }
  return Number(m[1]) * 3600 + Number(m[2]) * 60;
}

/**
 * Solver time axis for one planned day: `toSolver` maps "HH:MM" to seconds
 * since the day's local midnight instant; `toIso` maps solver seconds back to
 * an ISO 8601 string with the zone's offset at that instant.
 */
export class DayClock {
  readonly dayStart: number;
  constructor(
    readonly date: string,
    readonly timeZone: string,
  ) {
    this.dayStart = localToEpoch(date, 0, timeZone);
  }

  toSolver(hhmm: string): number {
    return localToEpoch(this.date, parseClock(hhmm), this.timeZone) - this.dayStart;
  }

  epoch(solverSeconds: number): number {
    return this.dayStart + solverSeconds;
  }

  /** ISO 8601 with the zone's offset; milliseconds only when the instant has them. */
  toIso(solverSeconds: number): string {
    const ms = Math.round(this.epoch(solverSeconds) * 1000);
    const off = offsetSeconds(this.timeZone, ms);
    const iso = new Date(ms + off * 1000).toISOString();
    const local = ms % 1000 === 0 ? iso.slice(0, 19) : iso.slice(0, 23);
    const sign = off < 0 ? '-' : '+';
    const a = Math.abs(off);
    return `${local}${sign}${String(Math.floor(a / 3600)).padStart(2, '0')}:${String(Math.floor((a % 3600) / 60)).padStart(2, '0')}`;
  }
}
