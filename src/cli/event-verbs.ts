import type { Command } from 'commander';
import type { ApiClient } from './api-client.js';
import type { Verbs } from './program.js';
import { readData, UsageError } from './run-verbs.js';

type ReplayOptions = {
  namespace?: string;
  endpoint?: string;
  type?: string;
  since: string;
  until?: string;
  status?: string;
  missing?: boolean;
  skipReceived?: boolean;
  dryRun?: boolean;
  yes?: boolean;
};

/** `hookline publish TYPE -d JSON`: prints the event's id, and whether it was one published before. */
export async function publish(client: ApiClient, type: string, payload: unknown, options: { namespace?: string; id?: string }): Promise<string> {
  if (payload === undefined) throw new UsageError('publish needs its payload: --data JSON, @file.json or @-');
  const body = { type, payload, ...(options.namespace ? { namespace: options.namespace } : {}), ...(options.id ? { id: options.id } : {}) };
  const e: { id: string; duplicate: boolean } = await client.request('POST', '/api/v1/events', body);
  return `${e.id}${e.duplicate ? ' (published before: nothing sent again)' : ''}\n`;
}

/**
 * `hookline replay`: counts what the filter picks (a dry run) and shows it; sends only with --yes,
 * so the count is always seen before anything goes out.
 */
export async function replay(client: ApiClient, o: ReplayOptions): Promise<string> {
  const body = {
    since: o.since,
    ...(o.namespace ? { namespace: o.namespace } : {}),
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.type ? { type: o.type } : {}),
    ...(o.until ? { until: o.until } : {}),
    ...(o.status ? { status: o.status } : {}),
    ...(o.missing ? { missing: true } : {}),
    ...(o.skipReceived ? { skip_received: true } : {}),
  };
  const counted: Counted = await client.request('POST', '/api/v1/replays', { ...body, dry_run: true });
  const would = `would send ${describe(counted)}\n`;
  if (o.dryRun || counted.resent + counted.added === 0) return would;
  if (!o.yes) return `${would}add --yes to send them\n`;
  const sent: Counted = await client.request('POST', '/api/v1/replays', body);
  return `${would}sent ${describe(sent)}\n`;
}

type Counted = { resent: number; added: number; truncated: boolean };

function describe(c: Counted): string {
  const total = c.resent + c.added;
  const parts = [`${c.resent} again`, ...(c.added > 0 ? [`${c.added} never sent before`] : [])];
  return `${total} deliver${total === 1 ? 'y' : 'ies'} (${parts.join(', ')})${c.truncated ? ', cut at the most one replay sends' : ''}`;
}

/** `hookline endpoints pause|resume NAME`. */
async function setEndpointRunning(client: ApiClient, name: string, running: boolean): Promise<string> {
  const e: { name: string; health: { state: string } } = await client.request('POST', `/api/v1/endpoints/${encodeURIComponent(name)}/${running ? 'resume' : 'pause'}`);
  return `endpoint ${e.name} ${e.health.state}\n`;
}

/** Verbs of events: publish, replay, and pausing or resuming an endpoint. */
export function addEventVerbs(program: Command, v: Verbs): void {
  program
    .command('publish')
    .description('publish an event to every endpoint subscribed to its type, and print its id')
    .argument('<type>', 'the event type, such as invoice.paid')
    .requiredOption('-d, --data <json>', 'the payload: JSON, @file.json, or @- for standard input')
    .option('--namespace <namespace>', 'the namespace it is published in (default: default)')
    .option('--id <id>', "the event's id; the same id within 24 hours publishes nothing again")
    .action(async (type: string, options: { data: string; namespace?: string; id?: string }) => v.write(await publish(v.client(), type, readData(options.data), options)));

  program
    .command('replay')
    .description('send again the deliveries a filter picks: shows the count, and sends with --yes')
    .requiredOption('--since <time>', 'events published at or after (RFC 3339)')
    .option('--until <time>', 'events published before (RFC 3339)')
    .option('--endpoint <name>', "one endpoint's deliveries")
    .option('--type <type>', 'one event type, or a prefix like invoice.*')
    .option('--namespace <namespace>', 'the namespace (default: default)')
    .option('--status <status>', 'which ended deliveries: failed (default) | succeeded | all | none')
    .option('--missing', 'also send the endpoint the events it never had')
    .option('--skip-received', 'leave out deliveries the endpoint once answered with success')
    .option('--dry-run', 'only count')
    .option('-y, --yes', 'send them')
    .action(async (options: ReplayOptions) => v.write(await replay(v.client(), options)));

  const endpoints = program.command('endpoints').description('pause or resume an endpoint').exitOverride();
  for (const [verb, running] of [['pause', false], ['resume', true]] as const) {
    endpoints
      .command(verb)
      .argument('<name>', 'the endpoint name (hookline get endpoints)')
      .action(async (name: string) => v.write(await setEndpointRunning(v.client(), name, running)));
  }
}
