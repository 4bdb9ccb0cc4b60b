/** The shell: sign-in gate, navigation and the page for the current path. */
import { useSyncExternalStore } from 'react';
import { forgetKey, onKeyChange, readKey } from './api/session.js';
import { Link, match, navigate, useLocation } from './router.js';
import { routes } from './routes.js';
import { SignIn } from './sign-in.js';

const NAV = [
  ['/state-machines', 'State machines'],
  ['/databases', 'Databases'],
  ['/rules', 'Rules'],
  ['/queues', 'Queues'],
  ['/audit', 'Audit log'],
] as const;

export function App() {
  const key = useSyncExternalStore(onKeyChange, readKey);
  const { pathname } = useLocation();
  if (key === null) return <SignIn />;
  if (pathname === '/') {
    queueMicrotask(() => navigate('/state-machines'));
    return null;
  }
  let page = <NotFound />;
  for (const [pattern, render] of routes) {
    const params = match(pattern, pathname);
    if (params !== null) {
      page = render(params);
      break;
    }
  }
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <div className="brand">dbplane</div>
        <ul>
          {NAV.map(([to, label]) => (
            <li key={to}>
              <Link to={to} current={pathname === to || pathname.startsWith(`${to}/`)}>
                {label}
              </Link>
            </li>
          ))}
        </ul>
        <button type="button" className="link sign-out" onClick={forgetKey}>
          Sign out
        </button>
      </nav>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </div>
  );
}

function NotFound() {
  return (
    <section>
      <h1>Not found</h1>
      <p>
        This page does not exist. <Link to="/state-machines">Go to the state machines</Link>.
      </p>
    </section>
  );
}
