import { Link } from 'wouter';

/** A status as a coloured badge: succeeded, failed, running, skipped, ... */
export function Status({ value }: { value: string }) {
  return <span className={`status ${value}`}>{value}</span>;
}

/** An execution's short id, linking to its page. */
export function ExecutionLink({ id }: { id: string }) {
  return (
    <Link href={`/executions/${id}`} className="mono">
      {id.slice(0, 8)}…
    </Link>
  );
}
