import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { session, setCsrfToken } from './api.js';
import { routeTo } from './routes.js';
import { Shell } from './shell.js';
import { SignIn } from './pages/sign-in.js';
import { navigate, useLocation } from './router.js';

function App() {
  const { path, search } = useLocation();
  const [signedIn, setSignedIn] = useState<boolean | null>(null);

  useEffect(() => {
    session.get().then(
      (s) => {
        setCsrfToken(s.csrf ?? '');
        setSignedIn(s.signed_in);
      },
      () => setSignedIn(false),
    );
  }, []);

  if (signedIn === null) return <p class="muted">Loading…</p>;
  if (!signedIn) {
    return (
      <SignIn
        onSignedIn={(csrf) => {
          setCsrfToken(csrf);
          setSignedIn(true);
          if (path === '/signin') navigate('/', true);
        }}
      />
    );
  }
  const signOut = async () => {
    await session.signOut().catch(() => {});
    setCsrfToken('');
    setSignedIn(false);
  };
  return (
    <>
      <Shell path={path} onSignOut={() => void signOut()} />
      {routeTo(path, search)}
    </>
  );
}

render(<App />, document.getElementById('app')!);
