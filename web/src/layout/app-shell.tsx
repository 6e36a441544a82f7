import { NavLink, Outlet } from 'react-router';
import { session } from '../auth/session';
import { useWho } from '../auth/who-context';

/** The navigation, one link per capability, and who is signed in. */
export const NAV = [
  { to: '/experiments', label: 'Experiments' },
  { to: '/pipelines', label: 'Pipelines' },
  { to: '/data', label: 'Data' },
  { to: '/models', label: 'Models' },
  { to: '/deployments', label: 'Deployments' },
  { to: '/monitoring', label: 'Monitoring' },
] as const;

export function AppShell() {
  const who = useWho();
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">Paddock</span>
        <nav aria-label="Main">
          {NAV.map((item) => (
            <NavLink key={item.to} to={item.to} className={({ isActive }) => (isActive ? 'active' : undefined)}>
              {item.label}
            </NavLink>
          ))}
        </nav>
        <span className="who" data-testid="who">
          {who?.auth ? (
            <>
              {who.name} ({who.role}){' '}
              <button type="button" className="link" onClick={() => session.signOut()}>Sign out</button>
            </>
          ) : 'auth off'}
        </span>
      </header>
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}
