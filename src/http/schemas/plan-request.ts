import { z } from 'zod';
import { isValidDate, isValidTimeZone, parseClock } from '../../domain/time.js';
import { isSupportedLanguage } from '../../routing/directions.js';

/**
 * POST /v1/plans body. Field rules live on the fields; rules that span fields
 * (unique ids, pins, windows, matrix shape and indices) run in one pass at the
 * end so every offending path is reported at once.
 */

const CLOCK = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const Clock = z
  .string()
  .regex(CLOCK, 'expected a clock time "HH:MM" (00:00–24:00)')
  .describe('Local clock time "HH:MM" on the planned date');

const Interval = z.object({ start: Clock, end: Clock });

export const LatLngSchema = z
  .object({
    lat: z.number().min(-90).max(90).describe('Latitude, WGS84 degrees'),
    lng: z.number().min(-180).max(180).describe('Longitude, WGS84 degrees'),
    matrixIndex: z.number().int().min(0).optional().describe('Row/column of this location in `matrix` (required when a matrix is sent)'),
  })
  .describe('A point; with `matrix`, also its index in the matrix');

const Position = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
const Ring = z.array(Position).min(4);
export const TerritorySchema = z
  .union([
    z.object({ type: z.literal('Polygon'), coordinates: z.array(Ring).min(1) }),
    z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(Ring).min(1)).min(1) }),
  ])
  .describe('GeoJSON Polygon or MultiPolygon ([lng, lat] positions): the executive is only given cases inside it');

const Id = z.string().min(1).max(128);
const Skill = z.string().min(1).max(64);

export const ExecutiveSchema = z.object({
  id: Id,
  start: LatLngSchema,
  end: LatLngSchema.nullable().optional().describe('Omitted: back to start; null: the day ends at the last visit'),
  shift: Interval.describe('Working hours'),
  breaks: z
    .array(z.object({ start: Clock, end: Clock, minutes: z.number().int().min(1).max(600) }))
    .max(8)
    .default([])
    .describe('A break of `minutes` taken entirely inside [start, end], where the executive is'),
  travelMode: z.enum(['two_wheeler', 'car', 'walk']).default('two_wheeler'),
  skills: z.array(Skill).max(64).default([]).describe('e.g. languages ("kn", "hi"), "repossession"'),
  maxVisits: z.number().int().min(0).max(10_000).optional(),
  maxDistanceKm: z.number().positive().max(10_000).optional(),
  capacity: z.number().int().min(0).max(10_000).optional().describe('Asset units the executive can carry; omitted: no limit'),
  territory: TerritorySchema.optional(),
});

export const CaseSchema = z.object({
  id: Id,
  location: LatLngSchema,
  serviceMinutes: z.number().min(0).max(600).default(15),
  timeWindows: z.array(Interval).max(16).default([]).describe('The visit starts inside one of them; none: any time in contact hours'),
  priority: z.number().min(0).max(100).optional().describe('0–100; omitted: derived from overdueAmount and dpd (see README)'),
  overdueAmount: z.number().min(0).max(1e13).optional(),
  dpd: z.number().int().min(0).max(100_000).optional().describe('Days past due'),
  mustVisit: z.boolean().default(false).describe('e.g. a promise to pay due today'),
  skills: z.array(Skill).max(64).default([]).describe('Skills the executive must have'),
  assetUnits: z.number().int().min(0).max(10_000).default(0).describe('Items to recover'),
  executiveId: Id.optional().describe('Pinned to this executive'),
  debtor: z
    .object({ name: z.string().max(256).optional(), phone: z.string().max(64).optional() })
    .optional()
    .describe('Carried through to the plan; never logged'),
  address: z.string().max(1024).optional().describe('Carried through to the plan; never logged'),
});

const Row = z.array(z.number().min(0));
export const MatrixSchema = z.object({
  durationsSeconds: z.array(Row).min(1),
  distancesMeters: z.array(Row).min(1),
});

const DEFAULT_OPTIONS = {
  objective: 'maximize_priority' as const,
  seed: 1,
  contactHours: { start: '08:00', end: '19:00' },
  language: 'en',
  directions: true,
};

export const OptionsSchema = z
  .object({
    objective: z.enum(['maximize_priority', 'minimize_travel']).default('maximize_priority'),
    timeLimitSeconds: z.number().positive().optional().describe('Upper bound; the solver stops earlier once converged'),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
    contactHours: Interval.default({ start: '08:00', end: '19:00' }).describe(
      'Visits start and end inside these hours (RBI Fair Practices Code: 08:00–19:00)',
    ),
    language: z.string().default('en').describe('Language of turn-by-turn instructions'),
    directions: z.boolean().default(true).describe('Attach road geometry and instructions when OSRM is configured'),
  })
  .default(DEFAULT_OPTIONS);

export const PlanRequestSchema = z
  .object({
    date: z.string().describe('YYYY-MM-DD, the day planned'),
    timezone: z.string().describe('IANA time zone, e.g. Asia/Kolkata'),
    executives: z.array(ExecutiveSchema).min(1),
    cases: z.array(CaseSchema),
    matrix: MatrixSchema.optional(),
    options: OptionsSchema,
  })
  .superRefine((req, ctx) => {
    const issue = (path: (string | number)[], message: string): void => {
      ctx.addIssue({ code: 'custom', path, message });
    };
    if (!isValidDate(req.date)) issue(['date'], 'expected a calendar date YYYY-MM-DD');
    if (!isValidTimeZone(req.timezone)) issue(['timezone'], 'unknown IANA time zone');
    // This pass also runs after non-fatal field issues (a clock like "25:00"): such clocks are already reported.
    const clock = (hhmm: string): number => (CLOCK.test(hhmm) ? parseClock(hhmm) : NaN);
    const ordered = (path: (string | number)[], w: { start: string; end: string }): void => {
      if (clock(w.end) < clock(w.start)) issue([...path, 'end'], 'ends before it starts');
    };
    ordered(['options', 'contactHours'], req.options.contactHours);
    if (!isSupportedLanguage(req.options.language)) issue(['options', 'language'], `unsupported language "${req.options.language}"`);

    const execIds = new Map<string, number>();
    req.executives.forEach((e, i) => {
      if (execIds.has(e.id)) issue(['executives', i, 'id'], `duplicate executive id "${e.id}"`);
      else execIds.set(e.id, i);
      ordered(['executives', i, 'shift'], e.shift);
      e.breaks.forEach((b, k) => {
        ordered(['executives', i, 'breaks', k], b);
        if (clock(b.end) - clock(b.start) < b.minutes * 60)
          issue(['executives', i, 'breaks', k, 'minutes'], 'longer than its window');
      });
    });
    const caseIds = new Set<string>();
    req.cases.forEach((c, i) => {
      if (caseIds.has(c.id)) issue(['cases', i, 'id'], `duplicate case id "${c.id}"`);
      caseIds.add(c.id);
      c.timeWindows.forEach((w, k) => ordered(['cases', i, 'timeWindows', k], w));
      if (c.executiveId !== undefined && !execIds.has(c.executiveId))
        issue(['cases', i, 'executiveId'], `pinned to unknown executive "${c.executiveId}"`);
    });

    // Matrix: square, both the same size, and every location indexed into it.
    const m = req.matrix;
    const points: { path: (string | number)[]; index: number | undefined }[] = [];
    req.executives.forEach((e, i) => {
      points.push({ path: ['executives', i, 'start', 'matrixIndex'], index: e.start.matrixIndex });
      if (e.end) points.push({ path: ['executives', i, 'end', 'matrixIndex'], index: e.end.matrixIndex });
    });
    req.cases.forEach((c, i) => points.push({ path: ['cases', i, 'location', 'matrixIndex'], index: c.location.matrixIndex }));
    if (!m) {
      for (const p of points) if (p.index !== undefined) issue(p.path, 'matrixIndex given but the request has no matrix');
      return;
    }
    const size = m.durationsSeconds.length;
    let shapeOk = true;
    for (const [name, rows] of [
      ['durationsSeconds', m.durationsSeconds],
      ['distancesMeters', m.distancesMeters],
    ] as const) {
      if (rows.length !== size) {
        issue(['matrix', name], `expected ${size} rows, got ${rows.length}`);
        shapeOk = false;
      }
      rows.forEach((row, r) => {
        if (row.length !== size) {
          issue(['matrix', name, r], `expected ${size} columns, got ${row.length}`);
          shapeOk = false;
        }
      });
    }
    if (!shapeOk) return;
    for (const p of points) {
      if (p.index === undefined) issue(p.path, 'required when the request has a matrix');
      else if (p.index >= size) issue(p.path, `out of range: the matrix has ${size} locations`);
    }
  });

export type PlanRequest = z.output<typeof PlanRequestSchema>;
export type PlanRequestInput = z.input<typeof PlanRequestSchema>;
export type Executive = PlanRequest['executives'][number];
export type Case = PlanRequest['cases'][number];
