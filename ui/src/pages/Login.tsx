import { useState, type FormEvent } from 'react';
import { api, token, Unauthorized } from '../api';

/** Asks for the API token; it is kept for this tab only and sent as a header. */
export function Login({ onToken }: { onToken: () => void }) {
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<string>();
  async function submit(event: FormEvent) {
    event.preventDefault();
    token.set(value);
    try {
      await api.GET('/api/v1/jobs', { params: { query: { limit: '1' } } });
      onToken();
    } catch (err) {
      token.clear();
      setProblem(err instanceof Unauthorized ? 'That token is not the one this server takes.' : String(err));
    }
  }
  return (
    <main className="login">
      <h1>Hookline</h1>
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="token">API token</label>
        <input id="token" type="password" autoComplete="current-password" value={value} onChange={(e) => setValue(e.target.value)} autoFocus required />
        {problem && (
          <p role="alert" className="error">
            {problem}
          </p>
        )}
        <button type="submit">Log in</button>
      </form>
    </main>
  );
}
