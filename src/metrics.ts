import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one process; a registry per app so tests stay isolated. */
export interface Metrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly queueDepth: Gauge;
  readonly activeJobs: Gauge;
  readonly solveSeconds: Histogram<'stop_reason'>;
  readonly plans: Counter<'status'>;
  readonly plansSubmitted: Counter;
  readonly shortenedSolves: Counter;
  readonly osrmCalls: Counter<'service' | 'outcome'>;
  readonly osrmSeconds: Histogram<'service'>;
}

export function createMetrics(opts: { defaults?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaults !== false) collectDefaultMetrics({ register: registry, prefix: 'beatplan_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'beatplan_http_request_duration_seconds',
      help: 'HTTP request latency by route',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers: [registry],
    }),
    queueDepth: new Gauge({ name: 'beatplan_queue_depth', help: 'Plans waiting or running', registers: [registry] }),
    activeJobs: new Gauge({ name: 'beatplan_active_jobs', help: 'Plans being solved in this process', registers: [registry] }),
    solveSeconds: new Histogram({
      name: 'beatplan_solve_seconds',
      help: 'Solver time per plan or region',
      labelNames: ['stop_reason'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
      registers: [registry],
    }),
    plans: new Counter({ name: 'beatplan_plans_total', help: 'Plans by final status', labelNames: ['status'], registers: [registry] }),
    plansSubmitted: new Counter({ name: 'beatplan_plans_submitted_total', help: 'Plans accepted by the API', registers: [registry] }),
    shortenedSolves: new Counter({
      name: 'beatplan_shortened_solves_total',
      help: 'Solves of held plans run with a shorter search because of a backlog',
      registers: [registry],
    }),
    osrmCalls: new Counter({
      name: 'beatplan_osrm_calls_total',
      help: 'OSRM calls by service and outcome (ok, error, fallback: not attempted, circuit open)',
      labelNames: ['service', 'outcome'],
      registers: [registry],
    }),
    osrmSeconds: new Histogram({
      name: 'beatplan_osrm_call_seconds',
      help: 'OSRM request latency per attempt (ok or error)',
      labelNames: ['service'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}
