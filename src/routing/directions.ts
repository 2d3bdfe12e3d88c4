/**
 * Turn-by-turn directions for one solved itinerary.
 *
 * Exports:
 * - `SUPPORTED_LANGUAGES`, `isSupportedLanguage(lang)`: instruction languages of
 *   `osrm-text-instructions` (e.g. 'en', 'fr', 'es', 'de', 'pt-BR', 'zh-Hans'; no Indian languages).
 * - `Directions` / `DirectionsLeg`: the result shape; `DirectionsService` `{ directions(...) }`.
 * - `createOsrmDirections(client, deps?)`: one OSRM route request
 *   `/route/v1/{profile}/{coords}?steps=true&geometries=geojson&overview=full` per itinerary;
 *   itineraries with more than `maxRouteCoordinates` stops are split into chunks that share their
 *   boundary stop, requested with bounded concurrency and joined.
 * - `createGreatCircleDirections(options?)`: straight segments between stops, no instructions.
 * - `greatCircleDirections(stops, mode, options?, warnings?)`, `compileInstructions(...)`.
 *
 * Whatever goes wrong with OSRM (breaker open, timeout, 5xx, NoSegment, unreadable body), the
 * answer is the straight-line version with `engine: 'great-circle'`, `straightLine: true` and a
 * warning; only the caller's abort rejects. An unsupported language never throws here either:
 * English is used with a warning (the HTTP layer rejects such requests before they get here).
 */
import { createRequire } from 'node:module';
import { z } from 'zod';
import { greatCircleLeg, type GreatCircleOptions } from './great-circle.js';
import { describeFault, directionsFallbackWarning, OsrmFault, type OsrmClient } from './osrm.js';
import type { LatLng, TravelMode } from './provider.js';
import { abortReason, runBounded, silentLogger, throwIfAborted, type RoutingLogger } from './util.js';

// ---------------------------------------------------------------------------------------------
// osrm-text-instructions (CommonJS, untyped)

interface TextInstructions {
  compile(language: string, step: object, options?: { legIndex?: number; legCount?: number }): string;
}
interface TextLanguages {
  supportedCodes: string[];
  instructions: Record<string, { v5: Record<string, unknown> }>;
}

const require = createRequire(import.meta.url);
const textInstructions = (require('osrm-text-instructions') as (version: string) => TextInstructions)('v5');
const textLanguages = require('osrm-text-instructions/languages') as TextLanguages;

export const SUPPORTED_LANGUAGES: readonly string[] = Object.freeze([...textLanguages.supportedCodes]);

export function isSupportedLanguage(lang: string): boolean {
  return SUPPORTED_LANGUAGES.includes(lang);
}

// ---------------------------------------------------------------------------------------------
// Result shape

export type Position = [lng: number, lat: number];

export interface DirectionsLeg {
  /** Metres. */
  readonly distance: number;
  /** Seconds (after the mode's duration factor). */
  readonly duration: number;
  /** Human-readable instructions, in order; empty for straight-line legs. */
  readonly instructions: string[];
}

export interface Directions {
  readonly engine: 'osrm' | 'great-circle';
  /** True when `geometry` is straight segments between stops, not roads. */
  readonly straightLine: boolean;
  /** GeoJSON LineString coordinates, [lng, lat]. */
  readonly geometry: Position[];
  /** One per consecutive pair of stops. */
  readonly legs: DirectionsLeg[];
  readonly warnings: string[];
}

export interface DirectionsService {
  directions(stops: readonly LatLng[], mode: TravelMode, language: string, signal?: AbortSignal): Promise<Directions>;
}

// ---------------------------------------------------------------------------------------------
// Straight lines

function samePosition(a: Position, b: Position): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

/** Stop positions with consecutive duplicates removed. */
export function stopPositions(stops: readonly LatLng[]): Position[] {
  const out: Position[] = [];
  for (const s of stops) {
    const p: Position = [s.lng, s.lat];
    if (out.length === 0 || !samePosition(out[out.length - 1]!, p)) out.push(p);
  }
  return out;
}

export function greatCircleDirections(
  stops: readonly LatLng[],
  mode: TravelMode,
  options: GreatCircleOptions = {},
  warnings: string[] = [],
): Directions {
  const legs: DirectionsLeg[] = [];
  for (let i = 1; i < stops.length; i++) {
    const { distance, duration } = greatCircleLeg(stops[i - 1]!, stops[i]!, mode, options);
    legs.push({ distance, duration, instructions: [] });
  }
  return { engine: 'great-circle', straightLine: true, geometry: stopPositions(stops), legs, warnings };
}

export function createGreatCircleDirections(options: GreatCircleOptions = {}): DirectionsService {
  return {
    async directions(stops, mode, _language, signal) {
      throwIfAborted(signal);
      return greatCircleDirections(stops, mode, options);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Instructions

export interface RouteStep {
  readonly maneuver: { readonly type: string; readonly modifier?: string | undefined; readonly exit?: number | undefined };
  readonly mode: string;
}

/**
 * Text for each step. Maneuver types the library does not know are read as turns (the OSRM spec
 * says clients must do so); a step the library still cannot phrase is left out.
 */
export function compileInstructions(
  steps: readonly RouteStep[],
  language: string,
  legIndex: number,
  legCount: number,
): string[] {
  const known = textLanguages.instructions[language]?.v5 ?? {};
  // The library numbers intermediate arrivals only up to its ordinal table ("10th"); past that
  // it would say "your destination" mid-route, so the short form ("You have arrived") is used.
  const intermediate = legIndex < legCount - 1;
  const ordinals = (known.constants as { ordinalize?: Record<string, string> } | undefined)?.ordinalize ?? {};
  const shortArrival = (known.arrive as { default?: { short?: string } } | undefined)?.default?.short;
  const out: string[] = [];
  for (const step of steps) {
    if (step.maneuver.type === 'arrive' && intermediate && !ordinals[String(legIndex + 1)] && shortArrival) {
      out.push(shortArrival);
      continue;
    }
    let { type, modifier } = step.maneuver;
    if (!(type in known)) type = 'turn';
    if (type !== 'depart' && type !== 'arrive' && !modifier) modifier = 'straight';
    try {
      const text = textInstructions.compile(language, { ...step, maneuver: { ...step.maneuver, type, modifier } }, { legIndex, legCount });
      if (text.trim()) out.push(text);
    } catch {
      // Unphraseable step (e.g. lane data the library rejects): the geometry still shows the way.
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// OSRM route service

const position = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
const nonNegative = z.number().nonnegative();
const stepSchema = z.looseObject({
  maneuver: z.looseObject({
    type: z.string(),
    modifier: z.string().optional(),
    location: position,
    bearing_before: z.number(),
    bearing_after: z.number(),
    exit: z.number().int().optional(),
  }),
  name: z.string().optional(),
  mode: z.string(),
  distance: nonNegative,
  duration: nonNegative,
});
const routeSchema = z.object({
  code: z.literal('Ok'),
  routes: z
    .array(
      z.object({
        distance: nonNegative,
        duration: nonNegative,
        geometry: z.object({ type: z.literal('LineString'), coordinates: z.array(position).min(1) }),
        legs: z.array(z.object({ distance: nonNegative, duration: nonNegative, steps: z.array(stepSchema) })),
      }),
    )
    .min(1),
});

export interface OsrmDirectionsDeps {
  readonly logger?: RoutingLogger;
}

export function createOsrmDirections(client: OsrmClient, deps: OsrmDirectionsDeps = {}): DirectionsService {
  const cfg = client.config;
  const logger = deps.logger ?? silentLogger;

  async function viaOsrm(stops: readonly LatLng[], mode: TravelMode, language: string, signal: AbortSignal | undefined): Promise<Directions> {
    const legCount = stops.length - 1;
    const per = cfg.maxRouteCoordinates;
    // Chunks share their boundary stop: [0..per-1], [per-1..2per-2], ...
    const starts: number[] = [];
    for (let s = 0; s < legCount; s += per - 1) starts.push(s);
    const parts: { geometry: Position[]; legs: DirectionsLeg[] }[] = new Array(starts.length);
    const factor = cfg.durationFactor[mode];
    const tasks = starts.map((start, c) => async (taskSignal: AbortSignal) => {
      const chunk = stops.slice(start, start + per);
      let body: z.infer<typeof routeSchema>;
      try {
        const legsMatch = routeSchema.refine((b) => b.routes[0]!.legs.length === chunk.length - 1, {
          message: `expected ${chunk.length - 1} legs for ${chunk.length} waypoints`,
        });
        body = await client.request('route', mode, chunk, { steps: 'true', geometries: 'geojson', overview: 'full' }, legsMatch, taskSignal);
      } catch (error) {
        const k = error instanceof OsrmFault && error.kind === 'no-segment' ? error.details.coordinateIndex : undefined;
        if (k !== undefined && k < chunk.length) {
          throw new OsrmFault('no-segment', `stop ${start + k} could not be matched to the road network`, error instanceof OsrmFault ? error.details : {});
        }
        throw error;
      }
      const route = body.routes[0]!;
      parts[c] = {
        geometry: route.geometry.coordinates,
        legs: route.legs.map((leg, i) => ({
          distance: leg.distance,
          duration: leg.duration * factor,
          instructions: compileInstructions(leg.steps, language, start + i, legCount),
        })),
      };
    });
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await runBounded(tasks, cfg.concurrency, controller);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    const geometry: Position[] = [];
    const legs: DirectionsLeg[] = [];
    for (const part of parts) {
      for (const p of part.geometry) {
        if (geometry.length === 0 || !samePosition(geometry[geometry.length - 1]!, p)) geometry.push(p);
      }
      legs.push(...part.legs);
    }
    return { engine: 'osrm', straightLine: false, geometry, legs, warnings: [] };
  }

  return {
    async directions(stops, mode, requestedLanguage, signal) {
      throwIfAborted(signal);
      const warnings: string[] = [];
      let language = requestedLanguage;
      if (!isSupportedLanguage(language)) {
        warnings.push(`instruction language '${requestedLanguage}' is not supported; using English`);
        language = 'en';
      }
      if (stops.length < 2) {
        return { engine: 'osrm', straightLine: false, geometry: stopPositions(stops), legs: [], warnings };
      }
      const started = performance.now();
      try {
        const result = await viaOsrm(stops, mode, language, signal);
        return { ...result, warnings: [...warnings, ...result.warnings] };
      } catch (error) {
        if (signal?.aborted) throw abortReason(signal);
        const warning = directionsFallbackWarning(error);
        client.reportFallback('route', performance.now() - started);
        logger.warn({ engine: 'osrm', mode, stops: stops.length, err: describeFault(error) }, warning);
        return greatCircleDirections(stops, mode, cfg.greatCircle, [...warnings, warning]);
      }
    },
  };
}
