/**
 * A real HTTP server speaking enough of the OSRM v5 API for the routing tests: `/table/v1` and
 * `/route/v1`, on 127.0.0.1 and an ephemeral port.
 *
 * Travel is computed from the coordinates with `fakeMetric`: a Manhattan distance plus two
 * deliberate asymmetries (northbound legs are 20 % longer, eastbound legs take 30 s more), so a
 * transposed or misplaced block shows up as wrong numbers. Values are rounded to 0.1 like OSRM.
 *
 * It behaves like `osrm-routed`: `--max-table-size` (sources × destinations > max² → 400 TooBig),
 * `--max-viaroute-size` for routes, `NoSegment` naming the first unsnappable coordinate, `null`
 * for unreachable pairs; and can be told to misbehave (status codes, delays, malformed or
 * wrongly shaped bodies, dropped connections) for the next N requests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeLatLng {
  readonly lat: number;
  readonly lng: number;
}

export type FakeFault =
  | { readonly kind: 'status'; readonly status: number; readonly body?: string; readonly retryAfter?: string }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'wrong-shape' }
  /** A well-formed answer with its last row (table) or last leg (route) missing. */
  | { readonly kind: 'truncated' }
  | { readonly kind: 'reset' };

export interface FakeOsrmOptions {
  /** Like `osrm-routed --max-table-size`. Default 100. */
  readonly maxTableSize?: number;
  /** Like `osrm-routed --max-viaroute-size`. Default 500. */
  readonly maxRouteSize?: number;
  /** Coordinates that cannot be snapped to a road. */
  readonly unsnappable?: (p: FakeLatLng) => boolean;
  /** false: NoSegment messages do not name the coordinate (older wording). Default true. */
  readonly noSegmentNamesCoordinate?: boolean;
  /** Pairs with no route between them (`null` in the table). */
  readonly unreachable?: (from: FakeLatLng, to: FakeLatLng) => boolean;
}

export interface FakeRequest {
  readonly service: string;
  readonly profile: string;
  readonly coordinates: FakeLatLng[];
  readonly query: URLSearchParams;
  /** Table requests: number of sources × destinations. */
  readonly cells?: number;
}

export interface FakeOsrm {
  readonly url: string;
  readonly requests: FakeRequest[];
  count(service?: 'table' | 'route'): number;
  /** Misbehave for the next `times` requests (default: until `clearFault`). */
  setFault(fault: FakeFault, times?: number): void;
  clearFault(): void;
  /** Forget recorded requests. */
  resetCounts(): void;
  close(): Promise<void>;
}

const M_PER_DEG_LAT = 110_574;
const M_PER_DEG_LNG_EQUATOR = 111_320;
const DEG = Math.PI / 180;

const round1 = (x: number): number => Math.round(x * 10) / 10;

export function fakeSpeedMps(profile: string): number {
  return profile === 'foot' ? 1.4 : profile === 'driving' ? 8 : 5;
}

function offsets(a: FakeLatLng, b: FakeLatLng): { dx: number; dy: number } {
  const midLat = ((a.lat + b.lat) / 2) * DEG;
  return { dx: (b.lng - a.lng) * M_PER_DEG_LNG_EQUATOR * Math.cos(midLat), dy: (b.lat - a.lat) * M_PER_DEG_LAT };
}

/** The fake's travel between two snapped coordinates. */
export function fakeMetric(a: FakeLatLng, b: FakeLatLng, profile: string): { duration: number; distance: number } {
  if (a.lat === b.lat && a.lng === b.lng) return { duration: 0, distance: 0 };
  const { dx, dy } = offsets(a, b);
  const distance = Math.abs(dx) + Math.abs(dy) + (dy > 0 ? 0.2 * dy : 0);
  const duration = distance / fakeSpeedMps(profile) + (dx > 0 ? 30 : 0);
  return { duration: round1(duration), distance: round1(distance) };
}

// ---------------------------------------------------------------------------------------------

class OsrmError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function parseCoordinates(text: string): FakeLatLng[] {
  return text.split(';').map((pair) => {
    const [lng, lat] = pair.split(',').map(Number);
    if (lng === undefined || lat === undefined || !Number.isFinite(lng) || !Number.isFinite(lat) || Math.abs(lat) > 90 || Math.abs(lng) > 180) {
      throw new OsrmError('InvalidUrl', `URL string malformed close to position ${pair}`);
    }
    return { lat, lng };
  });
}

function parseIndexList(value: string | null, n: number, what: string): number[] {
  if (value === null || value === 'all') return Array.from({ length: n }, (_, i) => i);
  return value.split(';').map((s) => {
    const i = Number(s);
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new OsrmError('InvalidOptions', `${what} index out of bounds`);
    return i;
  });
}

function waypoint(p: FakeLatLng): object {
  return { hint: 'fakehint', distance: 0, name: '', location: [p.lng, p.lat] };
}

function bearing(dx: number, dy: number): number {
  if (Math.abs(dx) >= Math.abs(dy)) return dx >= 0 ? 90 : 270;
  return dy >= 0 ? 0 : 180;
}

const FIRST_ROAD = 'Outer Ring Road';
const SECOND_ROAD = '100 Feet Road';
const LAST_ROAD = 'Hosur Road';

/**
 * One leg shaped like OSRM's: go east/west first, then north/south. Steps: depart, turn (when the
 * leg has both parts), roundabout (2nd exit, when the second part exists), arrive.
 */
function fakeLeg(a: FakeLatLng, b: FakeLatLng, profile: string): { leg: object; coordinates: [number, number][] } {
  const { duration, distance } = fakeMetric(a, b, profile);
  const { dx, dy } = offsets(a, b);
  const corner: [number, number] = [b.lng, a.lat];
  const start: [number, number] = [a.lng, a.lat];
  const end: [number, number] = [b.lng, b.lat];
  const mid: [number, number] = [b.lng, (a.lat + b.lat) / 2];
  const mode = profile === 'foot' ? 'walking' : 'driving';
  const geometry: [number, number][] = [start];
  const steps: object[] = [];
  const total = Math.abs(dx) + Math.abs(dy) || 1;
  const share = (metres: number): { distance: number; duration: number } => ({
    distance: round1((distance * metres) / total),
    duration: round1((duration * metres) / total),
  });
  const step = (
    maneuver: { type: string; modifier?: string; exit?: number; location: [number, number]; bearing_before: number; bearing_after: number },
    name: string,
    coords: [number, number][],
    metres: number,
    extra: object = {},
  ): object => ({
    ...share(metres),
    weight: share(metres).duration,
    name,
    mode,
    driving_side: 'left',
    maneuver,
    geometry: { type: 'LineString', coordinates: coords },
    intersections: [
      {
        location: maneuver.location,
        bearings: [maneuver.bearing_before, maneuver.bearing_after].filter((x, i, all) => all.indexOf(x) === i),
        entry: [true],
        out: 0,
      },
    ],
    ...extra,
  });
  const h1 = bearing(dx, 0);
  const h2 = bearing(0, dy);
  if (dx === 0 && dy === 0) {
    steps.push(step({ type: 'depart', location: start, bearing_before: 0, bearing_after: 0 }, FIRST_ROAD, [start, start], 0));
  } else if (dy === 0 || dx === 0) {
    const h = dy === 0 ? h1 : h2;
    steps.push(step({ type: 'depart', location: start, bearing_before: 0, bearing_after: h }, FIRST_ROAD, [start, end], total));
    geometry.push(end);
  } else {
    steps.push(step({ type: 'depart', location: start, bearing_before: 0, bearing_after: h1 }, FIRST_ROAD, [start, corner], Math.abs(dx)));
    const turn = (h2 - h1 + 360) % 360 === 90 ? 'right' : 'left';
    steps.push(
      step({ type: 'turn', modifier: turn, location: corner, bearing_before: h1, bearing_after: h2 }, SECOND_ROAD, [corner, mid], Math.abs(dy) / 2),
    );
    steps.push(
      step(
        { type: 'roundabout', modifier: 'straight', exit: 2, location: mid, bearing_before: h2, bearing_after: h2 },
        LAST_ROAD,
        [mid, end],
        Math.abs(dy) / 2,
      ),
    );
    geometry.push(corner, mid, end);
  }
  steps.push(step({ type: 'arrive', location: end, bearing_before: h2, bearing_after: 0 }, LAST_ROAD, [end, end], 0));
  return {
    leg: { distance, duration, weight: duration, summary: `${FIRST_ROAD}, ${LAST_ROAD}`, steps },
    coordinates: geometry,
  };
}

export async function startFakeOsrm(options: FakeOsrmOptions = {}): Promise<FakeOsrm> {
  const maxTable = options.maxTableSize ?? 100;
  const maxRoute = options.maxRouteSize ?? 500;
  const requests: FakeRequest[] = [];
  let fault: FakeFault | null = null;
  let faultTimes = Infinity;
  const timers = new Set<NodeJS.Timeout>();

  const send = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify(body));
  };

  const snap = (coords: FakeLatLng[]): void => {
    coords.forEach((p, i) => {
      if (options.unsnappable?.(p)) {
        throw new OsrmError(
          'NoSegment',
          options.noSegmentNamesCoordinate === false ? 'Could not find a matching segment for coordinate' : `Could not find a matching segment for coordinate ${i}`,
        );
      }
    });
  };

  const table = (profile: string, coords: FakeLatLng[], query: URLSearchParams): { body: object; cells: number } => {
    const sources = parseIndexList(query.get('sources'), coords.length, 'Source');
    const destinations = parseIndexList(query.get('destinations'), coords.length, 'Destination');
    const cells = sources.length * destinations.length;
    if (cells > maxTable * maxTable) throw new OsrmError('TooBig', 'Too many table coordinates');
    snap(coords);
    const annotations = (query.get('annotations') ?? 'duration').split(',');
    const durations: (number | null)[][] = [];
    const distances: (number | null)[][] = [];
    for (const s of sources) {
      const dRow: (number | null)[] = [];
      const mRow: (number | null)[] = [];
      for (const d of destinations) {
        const from = coords[s]!;
        const to = coords[d]!;
        if (s !== d && options.unreachable?.(from, to)) {
          dRow.push(null);
          mRow.push(null);
        } else {
          const { duration, distance } = fakeMetric(from, to, profile);
          dRow.push(duration);
          mRow.push(distance);
        }
      }
      durations.push(dRow);
      distances.push(mRow);
    }
    const body: Record<string, unknown> = {
      code: 'Ok',
      sources: sources.map((i) => waypoint(coords[i]!)),
      destinations: destinations.map((i) => waypoint(coords[i]!)),
    };
    if (annotations.includes('duration')) body.durations = durations;
    if (annotations.includes('distance')) body.distances = distances;
    return { body, cells };
  };

  const route = (profile: string, coords: FakeLatLng[]): object => {
    if (coords.length < 2) throw new OsrmError('InvalidOptions', 'Number of coordinates needs to be at least two.');
    if (coords.length > maxRoute) throw new OsrmError('TooBig', 'Number of entries 501 is higher than current maximum (500)');
    snap(coords);
    const legs: object[] = [];
    const geometry: [number, number][] = [];
    let distance = 0;
    let duration = 0;
    for (let i = 1; i < coords.length; i++) {
      const { leg, coordinates } = fakeLeg(coords[i - 1]!, coords[i]!, profile);
      legs.push(leg);
      for (const c of coordinates) {
        const last = geometry[geometry.length - 1];
        if (!last || last[0] !== c[0] || last[1] !== c[1]) geometry.push(c);
      }
      distance += (leg as { distance: number }).distance;
      duration += (leg as { duration: number }).duration;
    }
    if (geometry.length === 1) geometry.push(geometry[0]!);
    return {
      code: 'Ok',
      routes: [{ geometry: { type: 'LineString', coordinates: geometry }, legs, distance, duration, weight_name: 'routability', weight: duration }],
      waypoints: coords.map(waypoint),
    };
  };

  const respond = (req: IncomingMessage, res: ServerResponse, current: FakeFault | null): void => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const match = /^\/(table|route)\/v1\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    let record: { service: string; profile: string; coordinates: FakeLatLng[]; cells?: number } = {
      service: match?.[1] ?? 'unknown',
      profile: match?.[2] ?? '',
      coordinates: [],
    };
    try {
      if (!match) throw new OsrmError('InvalidUrl', `URL string malformed close to position 1: "${url.pathname}"`);
      const coords = parseCoordinates(decodeURIComponent(match[3]!));
      record = { ...record, coordinates: coords };
      if (current?.kind === 'malformed') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"code":"Ok","durations":[[0,');
        return;
      }
      if (current?.kind === 'wrong-shape') {
        send(res, 200, match[1] === 'table' ? { code: 'Ok', durations: [[0, 'x']], distances: [] } : { code: 'Ok', routes: [{ legs: 'none' }] });
        return;
      }
      if (match[1] === 'table') {
        const { body, cells } = table(match[2]!, coords, url.searchParams);
        record = { ...record, cells };
        if (current?.kind === 'truncated') {
          const b = body as { durations?: unknown[]; distances?: unknown[] };
          b.durations?.pop();
          b.distances?.pop();
        }
        send(res, 200, body);
      } else {
        const body = route(match[2]!, coords) as { routes: { legs: unknown[] }[] };
        if (current?.kind === 'truncated') body.routes[0]!.legs.pop();
        send(res, 200, body);
      }
    } catch (error) {
      if (error instanceof OsrmError) send(res, 400, { code: error.code, message: error.message });
      else send(res, 500, { code: 'InternalError', message: String(error) });
    } finally {
      requests.push({ ...record, query: url.searchParams });
    }
  };

  const server = createServer((req, res) => {
    let current: FakeFault | null = null;
    if (fault && faultTimes > 0) {
      current = fault;
      faultTimes -= 1;
      if (faultTimes === 0) fault = null;
    }
    if (current?.kind === 'status') {
      const url = new URL(req.url ?? '/', 'http://fake');
      requests.push({ service: url.pathname.split('/')[1] ?? '', profile: '', coordinates: [], query: url.searchParams });
      res.writeHead(current.status, {
        'content-type': 'text/plain',
        ...(current.retryAfter !== undefined ? { 'retry-after': current.retryAfter } : {}),
      });
      res.end(current.body ?? 'Service Unavailable');
      return;
    }
    if (current?.kind === 'reset') {
      requests.push({ service: 'reset', profile: '', coordinates: [], query: new URLSearchParams() });
      req.socket.destroy();
      return;
    }
    if (current?.kind === 'delay') {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) respond(req, res, null);
      }, current.ms);
      timers.add(timer);
      return;
    }
    respond(req, res, current);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    count(service) {
      return service ? requests.filter((r) => r.service === service).length : requests.length;
    },
    setFault(next, times = Infinity) {
      fault = next;
      faultTimes = times;
    },
    clearFault() {
      fault = null;
    },
    resetCounts() {
      requests.length = 0;
    },
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
