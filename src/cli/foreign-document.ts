/** A document of another tool (a Kestra flow, a Kontroler DAG) that Hookline cannot take, and where. */
export class ForeignDocumentError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export type Mapping = Record<string, unknown>;

const ISO_DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** An ISO 8601 duration as Kestra writes them (`PT30S`, `P1DT2H`) in Hookline's form (`30s`, `1d2h`). */
export function isoDuration(value: unknown, field: string): string {
  const match = typeof value === 'string' ? ISO_DURATION.exec(value) : null;
  if (!match || value === 'P' || value === 'PT') throw new ForeignDocumentError(field, 'expected an ISO 8601 duration such as PT30S');
  const [, days, hours, minutes, seconds] = match;
  const parts = [days && `${days}d`, hours && `${hours}h`, minutes && `${minutes}m`, seconds && (seconds.includes('.') ? `${Math.round(Number(seconds) * 1000)}ms` : `${seconds}s`)];
  return parts.filter(Boolean).join('') || '0s';
}
