import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'wouter';
import { Status } from '../Status';
import { api, data, type Job } from '../api';
import { ago } from '../format';
import { scheduleInWords, scheduleText } from '../schedule-words';

/** Every job: its schedule in words, next and last run, and a switch that pauses and resumes it. */
export function Jobs() {
  const jobs = useQuery({
    queryKey: ['jobs'],
    queryFn: () => data(api.GET('/api/v1/jobs', { params: { query: { limit: '500' } } })),
    refetchInterval: 5000,
  });
  return (
    <section>
      <div className="title-row">
        <h1>Jobs</h1>
        <Link href="/jobs/new" className="button">
          New job
        </Link>
      </div>
      {jobs.error && <p role="alert" className="error">{jobs.error.message}</p>}
      <table className="list">
        <thead>
          <tr>
            <th>Job</th>
            <th>Namespace</th>
            <th>Schedule</th>
            <th>Next run</th>
            <th>Last run</th>
            <th>Last outcome</th>
            <th>Hooks</th>
            <th>Enabled</th>
          </tr>
        </thead>
        <tbody>
          {jobs.data?.items.map((job) => (
            <tr key={job.id}>
              <td>
                <Link href={`/jobs/${encodeURIComponent(job.id)}`}>{job.id}</Link>
              </td>
              <td>{job.namespace}</td>
              <td>
                <span className="mono">{scheduleText(job.schedule as never)}</span>
                <div className="muted small">{scheduleInWords(job.schedule as never)}</div>
              </td>
              <td title={job.next_run_at ?? ''}>{job.next_run_at ? new Date(job.next_run_at).toLocaleString() : '–'}</td>
              <td>{ago(job.last_run_at)}</td>
              <td>{job.last_status ? <Status value={job.last_status} /> : <span className="muted">never run</span>}</td>
              <td>{job.triggers?.length ?? 0}</td>
              <td>
                <EnabledSwitch job={job} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {jobs.data && jobs.data.items.length === 0 && <p className="empty">No job yet.</p>}
    </section>
  );
}

/** Pauses or resumes a job's schedule. */
export function EnabledSwitch({ job }: { job: Job }) {
  const queries = useQueryClient();
  const flip = useMutation({
    mutationFn: () => data(api.POST(job.enabled ? '/api/v1/jobs/{id}/pause' : '/api/v1/jobs/{id}/resume', { params: { path: { id: job.id } } })),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['jobs'] }).then(() => queries.invalidateQueries({ queryKey: ['job', job.id] })),
  });
  return (
    <label className="switch">
      <input type="checkbox" role="switch" checked={job.enabled} disabled={flip.isPending} onChange={() => flip.mutate()} aria-label={`${job.id} enabled`} />
      <span>{job.enabled ? 'on' : 'paused'}</span>
    </label>
  );
}
