import cronstrue from 'cronstrue';

type Schedule = string | { cron: string; timezone?: string } | { every: string } | { at: string } | undefined | null;

/** A schedule in words: "At 02:30 AM (Europe/Berlin)", "every 5m", "once, at ...". */
export function scheduleInWords(schedule: Schedule): string {
  if (!schedule) return '';
  if (typeof schedule === 'string') return cronInWords(schedule);
  if ('cron' in schedule) return `${cronInWords(schedule.cron)}${schedule.timezone ? ` (${schedule.timezone})` : ' (UTC)'}`;
  if ('every' in schedule) return `every ${schedule.every}`;
  return `once, at ${new Date(schedule.at).toLocaleString()}`;
}

/** A cron expression in words, or undefined when it cannot be read. */
export function cronInWords(expression: string): string {
  try {
    return cronstrue.toString(expression, { use24HourTimeFormat: true, verbose: false });
  } catch {
    return '';
  }
}

/** A schedule as written in a job: the cron text, every, or at. */
export function scheduleText(schedule: Schedule): string {
  if (!schedule) return '–';
  if (typeof schedule === 'string') return schedule;
  if ('cron' in schedule) return schedule.cron;
  if ('every' in schedule) return `every ${schedule.every}`;
  return `at ${schedule.at}`;
}
