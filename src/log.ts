import pino, { type DestinationStream, type Logger } from 'pino';

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
  '*.secret',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, base: { service: 'hookline' }, redact: { paths: REDACT_PATHS, censor: '***' } }, destination);
}
