import type { Command } from 'commander';
import type { ApiClient } from './api-client.js';
import { apply } from './apply.js';
import { DELETABLE_KINDS, deleteOne } from './delete.js';
import { describeExecution, retryExecution, testWebhook } from './describe.js';
import { get, KIND_NAMES, kindNamed } from './get.js';
import { logs, sinceTime } from './logs.js';
import { completionScript, SHELLS, type ArgumentWords } from './completion.js';
import { OUTPUT_FORMATS, type OutputFormat } from './output.js';
import { readData, setHookEnabled, setJobRunning, triggerJob, UsageError } from './run-verbs.js';

/** What every verb is given: the API client, where to write, and how to say the command failed. */
export interface Verbs {
  client(): ApiClient;
  write(text: string): void;
  warn(text: string): void;
  /** The command did its work but what it did failed (exit code 1). */
  failed(): void;
}

/** How often `logs -f` looks for news. */
const LOGS_POLL_MS = 1000;

/** Verbs that read or write definitions and records: apply, get, logs, describe. */
export function addReadingVerbs(program: Command, v: Verbs): void {
  program
    .command('apply')
    .description('create or update the jobs and endpoints of YAML or JSON files (kind: Job | Endpoint)')
    .requiredOption('-f, --filename <path...>', 'a file, a folder of .yaml/.yml/.json files, or - for standard input')
    .option('--dry-run', 'say what would change, changing nothing')
    .action(async (options: { filename: string[]; dryRun?: boolean }) => {
      if (!(await apply(v.client(), options.filename, options.dryRun === true, v.write, v.warn))) v.failed();
    });

  program
    .command('get')
    .description(`list ${KIND_NAMES.join(', ')}, or show one by its id or name`)
    .argument('<kind>', KIND_NAMES.join(' | '))
    .argument('[name]', 'one item')
    .option('-o, --output <format>', 'table | wide | json | yaml | name', 'table')
    .option('--status <status>', 'executions: pending | running | retrying | succeeded | failed')
    .option('--job <job>', 'executions of one job; hooks of one job')
    .option('--namespace <namespace>', 'executions, hooks and events of one namespace')
    .option('--type <type>', 'events of one type')
    .option('--trigger <type>', 'executions: schedule | webhook | manual | retry (run again by hand)')
    .option('--since <time>', 'executions and events created at or after this time (RFC 3339) or this long ago (1h)')
    .option('--until <time>', 'executions and events created before this time (RFC 3339) or this long ago (10m)')
    .option('--error <text>', 'executions whose last error holds this text')
    .action(async (kindName: string, name: string | undefined, options: Record<string, string>) => {
      const { output, ...filters } = options;
      // --since and --until take a duration ago (1h) as well as an RFC 3339 time, as logs does.
      for (const key of ['since', 'until'] as const) if (filters[key] !== undefined) filters[key] = new Date(sinceTime(filters[key])).toISOString();
      v.write(await get(v.client(), kindOrRefuse(kindName), name, filters, outputFormat(output)));
    });

  program
    .command('delete')
    .description(`delete a job, an endpoint, an event type or an inspector bin`)
    .argument('<kind>', DELETABLE_KINDS.join(' | '))
    .argument('<name>')
    .action(async (kind: string, name: string) => v.write(await deleteOne(v.client(), kind, name)));

  program
    .command('logs')
    .description('executions started, attempts made and executions ended, one line each, oldest first')
    .option('-f, --follow', 'keep printing them as they happen, until interrupted')
    .option('--job <job>', 'one job only')
    .option('--namespace <namespace>', 'one namespace only')
    .option('--since <when>', 'from this long ago (10m, 2h) or this RFC 3339 time', '10m')
    .action(async (options: { follow?: boolean; job?: string; namespace?: string; since: string }) => {
      await logs(v.client(), { ...options, follow: options.follow === true, pollMs: LOGS_POLL_MS }, v.write);
    });

  program
    .command('describe')
    .description('an execution: its tasks, notifications, and every attempt with its request and answer')
    .argument('<kind>', 'execution')
    .argument('<id>')
    .action(async (kind: string, id: string) => {
      if (kind !== 'execution' && kind !== 'executions') throw new UsageError(`cannot describe "${kind}"; describe execution ID`);
      v.write(await describeExecution(v.client(), id));
    });
}

/** Verbs that make things happen: trigger, retry, test-webhook, pause, resume, hooks enable|disable. */
export function addActingVerbs(program: Command, v: Verbs): void {
  program
    .command('trigger')
    .description('start an execution of a job and print its id')
    .argument('<job>')
    .option('-d, --data <json>', 'the trigger body: JSON, @file.json, or @- for standard input')
    .option('-w, --wait', 'follow the execution to its end, printing each attempt as it ends (to standard error); exit 1 if it failed')
    .action(async (job: string, options: { data?: string; wait?: boolean }) => {
      // Each attempt goes to standard error as it ends; standard output keeps the one line a script reads.
      const result = await triggerJob(v.client(), job, readData(options.data), options.wait === true, v.warn);
      v.write(result.text);
      if (!result.ok) v.failed();
    });

  program
    .command('retry')
    .description('run the failed and skipped tasks of an ended execution again')
    .argument('<execution>')
    .action(async (id: string) => v.write(await retryExecution(v.client(), id)));

  program
    .command('test-webhook')
    .description('make one call of the webhook a YAML or JSON file describes; exit 1 if it failed')
    .requiredOption('-f, --filename <file>', 'the webhook (or {webhook, timeout}); - for standard input')
    .action(async (options: { filename: string }) => {
      const result = await testWebhook(v.client(), options.filename);
      v.write(result.text);
      if (!result.ok) v.failed();
    });

  for (const [verb, running] of [['pause', false], ['resume', true]] as const) {
    program
      .command(verb)
      .description(running ? 'fire a paused job on its schedule again' : 'stop firing a job on its schedule')
      .argument('<job>')
      .action(async (job: string) => v.write(await setJobRunning(v.client(), job, running)));
  }

  const hooks = program.command('hooks').description('enable or disable a hook').exitOverride();
  for (const [verb, enabled] of [['enable', true], ['disable', false]] as const) {
    hooks
      .command(verb)
      .argument('<id>', 'the hook id (hookline get hooks)')
      .action(async (id: string) => v.write(await setHookEnabled(v.client(), id, enabled)));
  }
}

/** `hookline completion bash|zsh`: the script that completes verbs, options, kinds and job names. */
export function addCompletionVerb(program: Command, v: Verbs): void {
  program
    .command('completion')
    .description('print a shell completion script: eval "$(hookline completion bash)"')
    .argument('<shell>', SHELLS.join(' | '))
    .action((shell: string) => {
      if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`completion ${shell}: one of ${SHELLS.join(', ')}`);
      v.write(completionScript(shell as (typeof SHELLS)[number], program, ARGUMENT_WORDS));
    });
}

const JOB_NAMES = { listed: 'jobs' } as const;
const ARGUMENT_WORDS: ArgumentWords = {
  get: { words: KIND_NAMES },
  describe: { words: ['execution'] },
  delete: { words: DELETABLE_KINDS },
  completion: { words: SHELLS },
  trigger: JOB_NAMES,
  pause: JOB_NAMES,
  resume: JOB_NAMES,
};

function kindOrRefuse(name: string): string {
  const kind = kindNamed(name);
  if (!kind) throw new UsageError(`cannot get "${name}"; one of: ${KIND_NAMES.join(', ')}`);
  return kind;
}

function outputFormat(value: string): OutputFormat {
  if (!(OUTPUT_FORMATS as readonly string[]).includes(value)) throw new UsageError(`-o ${value}: one of ${OUTPUT_FORMATS.join(', ')}`);
  return value as OutputFormat;
}
