import { booleanPointInPolygon, point } from '@turf/turf';
import type { PlanRequestInput } from '../../src/http/schemas/plan-request.js';

/**
 * Feasibility checker for returned plans, written apart from the solver and
 * the domain mapping: it reads only the request as the client sent it, the
 * plan as the client receives it (ISO strings, ids), and a travel function
 * the test supplies. Returns every violation found (empty: feasible).
 */

export type Travel = (from: { lat: number; lng: number }, to: { lat: number; lng: number }, mode: string, fromIndex?: number, toIndex?: number) => { seconds: number; meters: number };

interface LooseStop {
  kind: string;
  caseId?: string;
  location: { lat: number; lng: number };
  arrival: string;
  start?: string;
  departure: string;
  waitSeconds: number;
  travelSecondsFromPrevious: number;
  distanceMetersFromPrevious: number;
}
interface LoosePlan {
  itineraries: { executiveId: string; stops: LooseStop[]; distanceMeters: number; travelSeconds: number; visits: number }[];
  unassigned: { caseId: string; reason: string; detail: string }[];
  summary: { mustVisitMissed: string[]; assigned: number; unassigned: number; cases: number };
}

const TIME_EPS_MS = 2; // plan times are printed to the millisecond

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** Local seconds after midnight of `date`, read from the ISO string itself; checks date and zone offset. */
function localSeconds(iso: string, date: string, timeZone: string, out: string[], where: string): number {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?([+-]\d{2}:\d{2}|Z)$/.exec(iso);
  if (!m) {
    out.push(`${where}: not an ISO 8601 time with offset: ${iso}`);
    return NaN;
  }
  const dayShift = m[1] === date ? 0 : Date.parse(`${m[1]}T00:00:00Z`) > Date.parse(`${date}T00:00:00Z`) ? 86_400 : -86_400;
  const fmt = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
  const name = fmt.formatToParts(new Date(Date.parse(iso))).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const expected = name === 'GMT' ? '+00:00' : name.replace('GMT', '');
  const given = m[6] === 'Z' ? '+00:00' : m[6]!;
  if (given !== expected) out.push(`${where}: offset ${given} is not ${timeZone}'s ${expected}`);
  return dayShift + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]) + Number((m[5] ?? '0').padEnd(3, '0')) / 1000;
}

export function checkPlan(req: PlanRequestInput, plan: LoosePlan, travel: Travel): string[] {
  const out: string[] = [];
  const contact = req.options?.contactHours ?? { start: '08:00', end: '19:00' };
  const cStart = minutes(contact.start) * 60;
  const cEnd = minutes(contact.end) * 60;
  const cases = new Map(req.cases.map((c) => [c.id, c]));
  const execs = new Map(req.executives.map((e) => [e.id, e]));
  const seen = new Map<string, number>();
  const count = (id: string): void => void seen.set(id, (seen.get(id) ?? 0) + 1);
  const t = (iso: string, where: string): number => localSeconds(iso, req.date, req.timezone, out, where);
  const same = (a: { lat: number; lng: number }, b: { lat: number; lng: number }): boolean => a.lat === b.lat && a.lng === b.lng;

  const usedExecs = new Set<string>();
  for (const it of plan.itineraries) {
    const e = execs.get(it.executiveId);
    const tag = `executive ${it.executiveId}`;
    if (!e) {
      out.push(`${tag}: unknown executive`);
      continue;
    }
    if (usedExecs.has(e.id)) out.push(`${tag}: two itineraries`);
    usedExecs.add(e.id);
    const mode = e.travelMode ?? 'two_wheeler';
    const stops = it.stops;
    if (stops[0]?.kind !== 'start' || stops[stops.length - 1]?.kind !== 'end') {
      out.push(`${tag}: must begin with start and finish with end`);
      continue;
    }
    if (!same(stops[0].location, e.start)) out.push(`${tag}: starts away from its start location`);
    const shiftStart = minutes(e.shift.start) * 60;
    const shiftEnd = minutes(e.shift.end) * 60;
    if (t(stops[0].departure, `${tag} start`) < shiftStart - 0.001) out.push(`${tag}: leaves before the shift starts`);
    let distance = 0;
    let travelSeconds = 0;
    let units = 0;
    let visits = 0;
    const breaksTaken: LooseStop[] = [];
    for (let k = 1; k < stops.length; k++) {
      const prev = stops[k - 1]!;
      const s = stops[k]!;
      const where = `${tag} stop ${k} (${s.kind}${s.caseId ? ` ${s.caseId}` : ''})`;
      // Durations from instants (a DST change shifts the local clock); windows from the local clock.
      const arrival = t(s.arrival, where);
      const departure = t(s.departure, where);
      const at = (iso: string): number => Date.parse(iso) / 1000;
      let expected = { seconds: 0, meters: 0 };
      if (s.kind === 'visit' || (s.kind === 'end' && e.end !== null)) {
        const fromIndex = matrixIndexOf(req, it.executiveId, prev);
        const toIndex = matrixIndexOf(req, it.executiveId, s);
        expected = same(prev.location, s.location) && fromIndex === toIndex ? { seconds: 0, meters: 0 } : travel(prev.location, s.location, mode, fromIndex, toIndex);
      } else if (!same(prev.location, s.location)) out.push(`${where}: moves without travel (a break or an open end is taken where the executive is)`);
      if (Math.abs(s.travelSecondsFromPrevious - expected.seconds) > 0.01) out.push(`${where}: travel ${s.travelSecondsFromPrevious}s, expected ${expected.seconds}s`);
      if (Math.abs(s.distanceMetersFromPrevious - expected.meters) > 0.1) out.push(`${where}: distance ${s.distanceMetersFromPrevious}m, expected ${expected.meters}m`);
      if (Math.abs(at(s.arrival) - (at(prev.departure) + expected.seconds)) * 1000 > TIME_EPS_MS) out.push(`${where}: arrival ${s.arrival} is not departure + travel`);
      distance += expected.meters;
      travelSeconds += expected.seconds;
      const start = s.start !== undefined ? t(s.start, where) : arrival;
      const startAt = at(s.start ?? s.arrival);
      if (startAt < at(s.arrival) - 0.001) out.push(`${where}: starts before it arrives`);
      if (Math.abs(s.waitSeconds - (startAt - at(s.arrival))) > 0.01) out.push(`${where}: waitSeconds does not match`);
      if (s.kind === 'visit') {
        visits++;
        const c = s.caseId ? cases.get(s.caseId) : undefined;
        if (!c) {
          out.push(`${where}: unknown case`);
          continue;
        }
        count(c.id);
        if (!same(s.location, c.location)) out.push(`${where}: not at the case's location`);
        const service = (c.serviceMinutes ?? 15) * 60;
        if (Math.abs(at(s.departure) - startAt - service) * 1000 > TIME_EPS_MS) out.push(`${where}: visit does not last ${service}s`);
        if (start < cStart - 0.001 || departure > cEnd + 0.001) out.push(`${where}: outside contact hours ${contact.start}–${contact.end}`);
        const windows = c.timeWindows ?? [];
        if (windows.length > 0 && !windows.some((w) => start >= minutes(w.start) * 60 - 0.001 && start <= minutes(w.end) * 60 + 0.001))
          out.push(`${where}: starts at ${s.start} outside its time windows`);
        for (const sk of c.skills ?? []) if (!(e.skills ?? []).includes(sk)) out.push(`${where}: executive lacks skill ${sk}`);
        if (c.executiveId !== undefined && c.executiveId !== e.id) out.push(`${where}: pinned to ${c.executiveId}`);
        if (e.territory && !booleanPointInPolygon(point([c.location.lng, c.location.lat]), e.territory)) out.push(`${where}: outside the executive's territory`);
        units += c.assetUnits ?? 0;
      } else if (s.kind === 'break') {
        breaksTaken.push(s);
      } else if (s.kind === 'end') {
        if (k !== stops.length - 1) out.push(`${where}: end before the last stop`);
        const endAt = e.end === undefined ? e.start : e.end;
        if (endAt !== null && !same(s.location, endAt)) out.push(`${where}: ends away from the end location`);
        if (arrival > shiftEnd + 0.001) out.push(`${where}: back at ${s.arrival}, after the shift ends`);
      } else out.push(`${where}: unknown stop kind`);
    }
    // Breaks: each of the executive's breaks exactly once, whole, inside its window.
    const wanted = (e.breaks ?? []).map((b) => ({ ...b, used: false }));
    for (const b of breaksTaken) {
      const s = t(b.start ?? b.arrival, `${tag} break`);
      const end = t(b.departure, `${tag} break`);
      const lasted = (Date.parse(b.departure) - Date.parse(b.start ?? b.arrival)) / 1000;
      const match = wanted.find((w) => !w.used && Math.abs(lasted - w.minutes * 60) < 0.01 && s >= minutes(w.start) * 60 - 0.001 && end <= minutes(w.end) * 60 + 0.001);
      if (!match) out.push(`${tag}: break ${b.start} to ${b.departure} matches no break window`);
      else match.used = true;
    }
    if (visits > 0 && wanted.some((w) => !w.used)) out.push(`${tag}: a break was not taken`);
    if (e.capacity !== undefined && units > e.capacity) out.push(`${tag}: carries ${units} asset units, capacity ${e.capacity}`);
    if (e.maxVisits !== undefined && visits > e.maxVisits) out.push(`${tag}: ${visits} visits, max ${e.maxVisits}`);
    if (e.maxDistanceKm !== undefined && distance > e.maxDistanceKm * 1000 + 0.5) out.push(`${tag}: ${distance} m, max ${e.maxDistanceKm} km`);
    if (it.visits !== visits) out.push(`${tag}: visits total ${it.visits}, counted ${visits}`);
    if (Math.abs(it.distanceMeters - distance) > 1) out.push(`${tag}: distance total ${it.distanceMeters}, summed ${distance}`);
    if (Math.abs(it.travelSeconds - travelSeconds) > 0.1) out.push(`${tag}: travel total ${it.travelSeconds}, summed ${travelSeconds}`);
  }

  for (const u of plan.unassigned) {
    if (!cases.has(u.caseId)) out.push(`unassigned ${u.caseId}: unknown case`);
    if (!u.reason || !u.detail) out.push(`unassigned ${u.caseId}: no reason or detail`);
    count(u.caseId);
  }
  for (const c of req.cases) {
    const n = seen.get(c.id) ?? 0;
    if (n !== 1) out.push(`case ${c.id} appears ${n} times (visits + unassigned)`);
  }
  const missed = req.cases.filter((c) => c.mustVisit && plan.unassigned.some((u) => u.caseId === c.id)).map((c) => c.id).sort();
  if (JSON.stringify([...plan.summary.mustVisitMissed].sort()) !== JSON.stringify(missed)) out.push('summary.mustVisitMissed does not list the missed must-visit cases');
  if (plan.summary.cases !== req.cases.length) out.push('summary.cases differs from the request');
  return out;
}

/** Matrix index of a stop, for requests with a client matrix (start/end of the executive, or the case). */
function matrixIndexOf(req: PlanRequestInput, executiveId: string, s: LooseStop): number | undefined {
  if (!req.matrix) return undefined;
  if (s.caseId) return req.cases.find((c) => c.id === s.caseId)?.location.matrixIndex;
  const e = req.executives.find((x) => x.id === executiveId)!;
  if (s.kind === 'start') return e.start.matrixIndex;
  const end = e.end === undefined ? e.start : e.end;
  return end?.matrixIndex;
}

/** Great-circle travel as documented in the README (haversine × 1.35, 20/18/4.5 km/h), computed here independently. */
export function documentedGreatCircle(from: { lat: number; lng: number }, to: { lat: number; lng: number }, mode: string): { seconds: number; meters: number } {
  const R = 6_371_008.8;
  const rad = Math.PI / 180;
  const dLat = (to.lat - from.lat) * rad;
  const dLng = (to.lng - from.lng) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(from.lat * rad) * Math.cos(to.lat * rad) * Math.sin(dLng / 2) ** 2;
  const meters = 2 * R * Math.asin(Math.min(1, Math.sqrt(a))) * 1.35;
  const kmh = mode === 'car' ? 18 : mode === 'walk' ? 4.5 : 20;
  return { seconds: meters / (kmh / 3.6), meters };
}

/** Travel from a client matrix, by index. */
export function matrixTravel(matrix: { durationsSeconds: number[][]; distancesMeters: number[][] }): Travel {
  return (_a, _b, _mode, i, j) => ({ seconds: matrix.durationsSeconds[i!]![j!]!, meters: matrix.distancesMeters[i!]![j!]! });
}
