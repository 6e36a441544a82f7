import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { useWhoState, WhoProvider } from './auth/who-context';
import { LoginPage } from './pages/login-page';
import { ROUTES } from './routes';
import './styles.css';

const router = createBrowserRouter(ROUTES);

/** Pages need a principal: with auth on and no working token, the login form instead. */
function Gate() {
  const state = useWhoState();
  if (state.status === 'loading') return <p className="muted" aria-busy="true">Connecting…</p>;
  if (state.status === 'signed-out') return <LoginPage {...(state.message ? { message: state.message } : {})} />;
  return <RouterProvider router={router} />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <WhoProvider>
      <Gate />
    </WhoProvider>
  </StrictMode>,
);
