/** The parts a node can run. */
export type Role = 'api' | 'scheduler' | 'worker';

/** Every default of Hookline, in one typed place. */
export const DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  database: './hookline.db',
  durability: 'normal' as 'normal' | 'full',
  /**
   * SQLite: how long a write waits for a lock another process holds. Calls queued behind it longer
   * than this are answered 503 at once, so a locked store answers within about twice this.
   */
  busy_timeout: '750ms',
  log_level: 'info',
  body_limit_bytes: 1024 * 1024,
  /** What a node runs: the HTTP API and hooks, the scheduler (with retention pruning), the worker. */
  roles: ['api', 'scheduler', 'worker'] as Role[],
  /** Proxies (CIDRs) whose X-Forwarded-For is believed for a caller's address; none by default. */
  trusted_proxies: [] as string[],
  /** Finished executions, invocation logs and schedule ticks older than this are deleted; `off` keeps them. */
  retention: '30d',
  /** How often retention pruning runs. */
  prune_interval: '1h',
  /** Rows deleted per statement while pruning, so no transaction holds locks for long. */
  prune_batch: 1000,
  /** Server timeouts: slow clients (slowloris) cannot hold connections open. */
  http: {
    /** Time to receive a request's headers. */
    headers_timeout: '10s',
    /** Time to receive a whole request, body included. */
    request_timeout: '30s',
    /** A connection with no traffic for this long is closed. */
    idle_timeout: '60s',
    /** An idle keep-alive connection is closed after this. */
    keep_alive_timeout: '5s',
  },
  hooks: {
    /** Largest hook request body (bytes); a larger one is refused with 413. */
    body_limit: 1024 * 1024,
    rate_limit: {
      /** Calls a hook takes per window, unless its trigger sets its own `rate_limit`. */
      per_hook: 100,
      /** Calls all hooks of one namespace take together per window. */
      per_namespace: 1000,
      window: '1m',
    },
    /** How long a hook call with `wait` is held for its execution to end before it is answered 202. */
    wait_timeout: '30s',
    /**
     * How long a costly condition (a regular expression, a comprehension) may take on its thread;
     * past it the condition counts as one that could not be evaluated, and the call starts nothing.
     */
    condition_timeout: '1s',
  },
  /**
   * The inspector: request bins at /inspect/{bin} on the API port, for a first run and for
   * debugging. `inspector: false` in the configuration turns it off (for nodes facing the internet).
   */
  inspector: {
    enabled: true,
    /** Bins kept; the one used least recently goes when another is needed. */
    bins: 100,
    /** Requests each bin keeps, its newest. */
    requests_per_bin: 100,
    /** Body bytes kept of each request. */
    body_bytes: 64 * 1024,
    /** The longest `?delay=` a bin answers after. */
    max_delay: '30s',
  },
  /** Threads that evaluate costly conditions, endpoint filters and payload schemas, off the event loop. */
  evaluation_threads: 2,
  /** Invocation log: request bodies are kept up to this many bytes. */
  invocation_body_limit_bytes: 64 * 1024,
  tls: { ca_file: undefined as string | undefined },
  egress: {
    allow: [] as string[],
    deny: [] as string[],
    /** Refuse every address that is not public (private ranges included), for jobs written by untrusted users. */
    public_only: false,
  },
  worker: {
    concurrency: 128,
    batch_size: 128,
    poll_interval: '1s',
    lease_margin: '30s',
    shutdown_grace: '30s',
  },
  scheduler: {
    /** Longest idle wait before looking again for ticks other nodes' edits brought forward. */
    poll_interval: '1s',
    /** Due jobs fired per transaction. */
    batch_size: 500,
    /** A tick found later than this after its time was missed, and the job's misfire policy applies. */
    misfire_threshold: '10s',
  },
  job: {
    timeout: '30s',
    retry_policy: { max_attempts: 3, initial_interval: '10s', max_interval: '5m', multiplier: 2 },
    misfire: 'run_once' as 'skip' | 'run_once' | 'catch_up',
    catch_up_limit: 10,
    overlap: 'allow' as 'allow' | 'skip',
  },
  /** How an endpoint that receives events keeps its health, unless it sets its own. */
  endpoints: {
    /** Consecutive failed deliveries after which its circuit opens: deliveries wait, one probe at a time tests it. */
    breaker_failures: 10,
    /** The first probe's wait once the circuit opens; each failed probe doubles it, up to the most. */
    probe_interval: '30s',
    max_probe_interval: '10m',
    /** An endpoint that has failed every delivery for this long is disabled. */
    disable_after: '5d',
  },
  idempotency_window_ms: 24 * 3_600_000,
  response_body_limit_bytes: 64 * 1024,
  template_output_limit_bytes: 1024 * 1024,
  max_response_headers: 100,
  page_size: { default: 50, max: 500 },
} as const;

/**
 * Cloud metadata services, refused for outbound calls unless `egress.allow` lists them (loopback,
 * unspecified, link-local, multicast and broadcast addresses are refused by class as well):
 * AWS, GCP, Azure, DigitalOcean, OpenStack and others (169.254.169.254, in link-local), AWS over
 * IPv6, Alibaba Cloud, Oracle Cloud, Azure's wire server, Tencent Cloud.
 */
export const CLOUD_METADATA_ADDRESSES = [
  '169.254.169.254/32',
  'fd00:ec2::254/128',
  '100.100.100.200/32',
  '192.0.0.192/32',
  '168.63.129.16/32',
  '169.254.0.23/32',
] as const;

const SECOND = 1000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * The range of every duration a user sets, in milliseconds; outside it the answer is a 400 (or, in
 * the configuration, a start-up error) naming the field. A call's timeout bounds its lease, so it
 * is kept within an hour; anything that becomes a timer stays far below Node's 24.8-day limit.
 */
export const DURATION_RANGES = {
  /** A call's timeout: a webhook's, a task's, a job's, an endpoint's. */
  call_timeout: { min: 100, max: HOUR },
  /** The waits of a retry policy (rows with a due time, not timers). */
  retry_interval: { min: 100, max: 365 * DAY },
  /** An `every` schedule. */
  schedule_every: { min: SECOND, max: 366 * DAY },
  /** A trigger's own rate limit window, and the configured one. */
  rate_window: { min: SECOND, max: DAY },
  /** How old a signed hook call may be. */
  signature_tolerance: { min: SECOND, max: DAY },
  /** Server timeouts and how long a hook call may wait for its execution. */
  http_timeout: { min: 100, max: HOUR },
  /** How often the worker and the scheduler look for work. */
  poll_interval: { min: 10, max: HOUR },
  lease_margin: { min: 100, max: HOUR },
  shutdown_grace: { min: 0, max: HOUR },
  misfire_threshold: { min: SECOND, max: DAY },
  retention: { min: HOUR, max: 36_500 * DAY },
  prune_interval: { min: SECOND, max: DAY },
  busy_timeout: { min: 10, max: 10 * SECOND },
  condition_timeout: { min: 10, max: 60 * SECOND },
  /** An endpoint's probe waits, and how long it may fail before it is disabled. */
  probe_interval: { min: SECOND, max: DAY },
  disable_after: { min: 60 * SECOND, max: 365 * DAY },
} as const;
