import { useState, type FormEvent } from 'react';
import { session } from '../auth/session';

/** Shown when the server requires a token (`paddock server --auth`) and the session has none that works. */
export function LoginPage({ message }: { message?: string }) {
  const [token, setToken] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (token.trim()) session.signIn(token.trim());
  };
  return (
    <main className="login">
      <h1>Paddock</h1>
      <form onSubmit={submit} aria-label="Sign in">
        <p>This server requires a token. Create one with <code>paddock tokens create --role reader</code>.</p>
        <label htmlFor="token">Token</label>
        <input id="token" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} />
        <button type="submit">Sign in</button>
        {message ? <p role="alert" className="error">{message}</p> : null}
      </form>
    </main>
  );
}
