import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link, Route, Switch, useLocation } from 'wouter';
import { api, token, Unauthorized } from './api';
import { Login } from './pages/Login';
import { Executions } from './pages/Executions';
import { ExecutionPage } from './pages/Execution';
import { Jobs } from './pages/Jobs';
import { JobPage } from './pages/Job';
import { NewJob } from './pages/NewJob';
import { HookPage, Hooks } from './pages/Hooks';
import { Tester } from './pages/Tester';
import { Inspector, InspectorBin } from './pages/Inspector';
import { EndpointPage, Endpoints } from './pages/Endpoints';
import { Overview } from './pages/Overview';
import { EventPage, Events } from './pages/Events';

const NAV = [
  ['/overview', 'Overview'],
  ['/executions', 'Executions'],
  ['/jobs', 'Jobs'],
  ['/hooks', 'Hooks'],
  ['/endpoints', 'Endpoints'],
  ['/events', 'Events'],
  ['/tester', 'Tester'],
  ['/inspector', 'Inspector'],
  ['/docs', 'API'],
] as const;

/** The console: asks for the API token when the server wants one, then shows its pages. */
export function App() {
  const queries = useQueryClient();
  const access = useQuery({
    queryKey: ['access'],
    queryFn: async () => {
      try {
        await api.GET('/api/v1/jobs', { params: { query: { limit: '1' } } });
        return 'open' as const;
      } catch (err) {
        if (err instanceof Unauthorized) return 'locked' as const;
        throw err;
      }
    },
  });
  if (access.isPending) return null;
  if (access.data === 'locked') return <Login onToken={() => void queries.invalidateQueries()} />;
  return (
    <div className="shell">
      <a
        className="skip"
        href="#main"
        onClick={(event) => {
          event.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <Header />
      <FocusOnNavigation />
      <main id="main" tabIndex={-1}>
        <Switch>
          <Route path="/executions/:id">{(params) => <ExecutionPage id={params.id} />}</Route>
          <Route path="/executions" component={Executions} />
          <Route path="/jobs/new" component={NewJob} />
          <Route path="/jobs/:id">{(params) => <JobPage id={decodeURIComponent(params.id)} />}</Route>
          <Route path="/jobs" component={Jobs} />
          <Route path="/hooks/:id">{(params) => <HookPage id={params.id} />}</Route>
          <Route path="/hooks" component={Hooks} />
          <Route path="/tester" component={Tester} />
          <Route path="/inspector/:bin">{(params) => <InspectorBin bin={decodeURIComponent(params.bin)} />}</Route>
          <Route path="/inspector" component={Inspector} />
          <Route path="/endpoints/new">{() => <EndpointPage />}</Route>
          <Route path="/endpoints/:name">{(params) => <EndpointPage name={decodeURIComponent(params.name)} />}</Route>
          <Route path="/endpoints" component={Endpoints} />
          <Route path="/events/:id">{(params) => <EventPage id={decodeURIComponent(params.id)} />}</Route>
          <Route path="/events" component={Events} />
          <Route path="/overview" component={Overview} />
          <Route path="/" component={Overview} />
          <Route>
            <p>There is no such page.</p>
          </Route>
        </Switch>
      </main>
    </div>
  );
}

/**
 * After a move to another page, focus goes to the page's content (as a full page load would put it
 * at the top), so the keyboard's next Tab starts there rather than on the link that was followed.
 */
function FocusOnNavigation() {
  const [location] = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [location]);
  return null;
}

function Header() {
  const [location] = useLocation();
  const queries = useQueryClient();
  return (
    <header>
      <strong className="brand">Hookline</strong>
      <nav aria-label="Main">
        {NAV.map(([href, label]) =>
          href === '/docs' ? (
            <a key={href} href={href}>
              {label}
            </a>
          ) : (
            <Link key={href} href={href} aria-current={location.startsWith(href) ? 'page' : undefined}>
              {label}
            </Link>
          ),
        )}
      </nav>
      {token.get() && (
        <button
          type="button"
          className="quiet"
          onClick={() => {
            token.clear();
            void queries.invalidateQueries();
          }}
        >
          Log out
        </button>
      )}
    </header>
  );
}
