/** Every default of Hookline, in one typed place. */
export const DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  database: './hookline.db',
  durability: 'normal' as 'normal' | 'full',
  log_level: 'info',
  body_limit_bytes: 1024 * 1024,
  tls: { ca_file: undefined as string | undefined },
  egress: {
    allow: [] as string[],
    deny: [] as string[],
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
  idempotency_window_ms: 24 * 3_600_000,
  response_body_limit_bytes: 64 * 1024,
  template_output_limit_bytes: 1024 * 1024,
  max_response_headers: 100,
  page_size: { default: 50, max: 500 },
} as const;

/** Addresses refused for outbound calls unless `egress.allow` lists them: link-local and cloud metadata. */
export const BUILTIN_EGRESS_DENY = ['169.254.0.0/16', 'fe80::/10', 'fd00:ec2::254/128'] as const;
