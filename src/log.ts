import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

/** Paths pino blanks out, as a last line of defence; secrets are kept out of log calls in the first place. */
const REDACT_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["x-webhook-secret"]',
  '*.token',
  '*.password',
  '*.api_key',
  '*.signing_secret',
  '*.signing_key',
  '*.secret',
];

/**
 * The node's logger: JSON lines, one per event, for log collectors; when it writes to a terminal
 * and no other destination is given, the same events as readable lines with local times.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, base: { service: 'hookline' }, redact: { paths: REDACT_PATHS, censor: '***' } };
  if (destination) return pino(options, destination);
  if (process.stdout.isTTY) return pino(options, pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service', singleLine: true }));
  return pino(options);
}
