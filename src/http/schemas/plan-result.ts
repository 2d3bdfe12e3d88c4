import { z } from 'zod';

/**
 * The plan returned by GET /v1/plans/:id. Times are ISO 8601 with the
 * request zone's offset; durations in seconds; distances in metres.
 */

export const UNASSIGNED_CASE_REASONS = [
  'no_executive_with_skills',
  'outside_territory',
  'outside_contact_hours',
  'no_time_window_reachable',
  'over_capacity',
  'over_max_distance',
  'pinned_executive_cannot_serve',
  'max_visits_reached',
  'location_not_routable',
  'dropped_for_priority',
  'no_room_in_plan',
] as const;
export type UnassignedCaseReason = (typeof UNASSIGNED_CASE_REASONS)[number];

/** What each reason means; printed in the README and in the OpenAPI description. */
export const REASON_DESCRIPTIONS: Record<UnassignedCaseReason, string> = {
  no_executive_with_skills: 'No executive has every skill the case requires.',
  outside_territory: 'Every executive with the skills has a territory that does not contain the case.',
  outside_contact_hours: "None of the case's time windows leaves room for the visit inside contact hours.",
  no_time_window_reachable: 'No eligible executive can reach the case inside a window and get back within the shift.',
  over_capacity: "The case's asset units exceed every eligible executive's capacity.",
  over_max_distance: "Visiting the case alone would exceed every eligible executive's maximum distance.",
  pinned_executive_cannot_serve: 'The case is pinned to an executive who cannot serve it (skills, territory, time or distance).',
  max_visits_reached: 'Every eligible executive has reached its maximum number of visits.',
  location_not_routable: 'The routing engine cannot place the case on a road.',
  dropped_for_priority: 'Feasible on its own, but the day is full of higher-priority work.',
  no_room_in_plan: 'Feasible on its own, but no plan found fits it with the rest of the day.',
};

const Point = z.object({ lat: z.number(), lng: z.number() });

export const StopSchema = z.object({
  kind: z.enum(['start', 'visit', 'break', 'end']),
  caseId: z.string().optional(),
  location: Point,
  arrival: z.string().describe('ISO 8601 with offset'),
  start: z.string().optional().describe('Start of the visit or break'),
  departure: z.string(),
  waitSeconds: z.number(),
  travelSecondsFromPrevious: z.number(),
  distanceMetersFromPrevious: z.number(),
  priority: z.number().optional(),
  mustVisit: z.boolean().optional(),
  debtor: z.object({ name: z.string().optional(), phone: z.string().optional() }).optional(),
  address: z.string().optional(),
  instructions: z.array(z.string()).optional().describe('Turn-by-turn text for the leg that ends here (OSRM only)'),
});

export const ItinerarySchema = z.object({
  executiveId: z.string(),
  travelMode: z.enum(['two_wheeler', 'car', 'walk']),
  stops: z.array(StopSchema),
  distanceMeters: z.number(),
  travelSeconds: z.number(),
  visits: z.number().int(),
  priority: z.number(),
  overdueAmount: z.number(),
  assetUnits: z.number(),
  geometry: z
    .object({
      type: z.literal('LineString'),
      coordinates: z.array(z.array(z.number())),
      straightLine: z.boolean().describe('true: straight segments between stops, not a road path'),
    })
    .optional(),
});

export const UnassignedSchema = z.object({
  caseId: z.string(),
  location: Point,
  reason: z.enum(UNASSIGNED_CASE_REASONS),
  detail: z.string(),
});

export const SummarySchema = z.object({
  cases: z.number().int(),
  assigned: z.number().int(),
  unassigned: z.number().int(),
  executives: z.number().int(),
  executivesUsed: z.number().int(),
  priorityPlanned: z.number(),
  priorityTotal: z.number(),
  overdueAmountPlanned: z.number(),
  distanceMeters: z.number(),
  travelSeconds: z.number(),
  solveSeconds: z.number(),
  mustVisitMissed: z.array(z.string()),
  routingEngine: z.enum(['osrm', 'matrix', 'great-circle']),
  objective: z.enum(['maximize_priority', 'minimize_travel']),
  regions: z.number().int().describe('Geographic sub-problems solved (1 unless the request was split)'),
  stopReason: z.string(),
  searchEffort: z
    .number()
    .min(0)
    .max(1)
    .describe('Share of the full search that ran: below 1 when a plan someone was waiting on (`?wait`) was shortened because many plans were queued (see summary.warnings)'),
  warnings: z.array(z.string()),
});

export const PlanResultSchema = z.object({
  date: z.string(),
  timezone: z.string(),
  itineraries: z.array(ItinerarySchema),
  unassigned: z.array(UnassignedSchema),
  summary: SummarySchema,
});

export const PlanStatusSchema = z.enum(['queued', 'active', 'completed', 'failed', 'cancelled']);

export const PlanRecordSchema = z.object({
  id: z.string(),
  status: PlanStatusSchema,
  progress: z.number().describe('0–100'),
  createdAt: z.string(),
  finishedAt: z.string().optional(),
  result: PlanResultSchema.optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

export const AcceptedSchema = z.object({ id: z.string(), status: PlanStatusSchema });

export type Stop = z.infer<typeof StopSchema>;
export type Itinerary = z.infer<typeof ItinerarySchema>;
export type UnassignedCase = z.infer<typeof UnassignedSchema>;
export type Summary = z.infer<typeof SummarySchema>;
export type PlanResult = z.infer<typeof PlanResultSchema>;
