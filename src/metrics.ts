import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one process; a registry per app so tests stay isolated. */
export interface Metrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly queueDepth: Gauge;
  readonly activeJobs: Gauge;
  readonly solveSeconds: Histogram<'stop_reason'>;
  readonly plans: Counter<'status'>;
  readonly osrmCalls: Counter<'service' | 'outcome'>;
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
    osrmCalls: new Counter({ name: 'beatplan_osrm_calls_total', help: 'OSRM calls by service and outcome', labelNames: ['service', 'outcome'], registers: [registry] }),
  };
}
