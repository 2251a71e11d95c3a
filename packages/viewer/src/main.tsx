import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { session, setCsrfToken } from './api.js';
import { AccountPage } from './pages/account.js';
import { AlertsPage } from './pages/alerts.js';
import { CliConnectPage } from './pages/cli-connect.js';
import { InstancePage } from './pages/instance.js';
import { InstancesPage } from './pages/instances.js';
import { RiskProfilePage } from './pages/risk-profile.js';
import { NewRiskProfilePage, RiskProfilesPage } from './pages/risk-profiles.js';
import { SignIn } from './pages/sign-in.js';
import { Link, navigate, useLocation } from './router.js';

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
  const instance = /^\/instances\/([^/]+)(?:\/(risk|details))?$/.exec(path);
  const riskProfile = /^\/risk-profiles\/([^/]+)(\/edit)?$/.exec(path);
  return (
    <>
      <header class="top">
        <Link href="/">agentspan</Link>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      {path === '/cli/connect' ? (
        <CliConnectPage />
      ) : path === '/alerts' ? (
        <AlertsPage />
      ) : path === '/account' ? (
        <AccountPage />
      ) : path === '/risk-profiles' ? (
        <RiskProfilesPage />
      ) : path === '/risk-profiles/new' ? (
        <NewRiskProfilePage />
      ) : riskProfile ? (
        <RiskProfilePage id={decodeURIComponent(riskProfile[1]!)} editing={!!riskProfile[2]} />
      ) : instance ? (
        <InstancePage
          id={decodeURIComponent(instance[1]!)}
          tab={(instance[2] as 'risk' | 'details' | undefined) ?? 'activity'}
          selected={search.get('span')}
        />
      ) : (
        <InstancesPage />
      )}
    </>
  );
}

render(<App />, document.getElementById('app')!);
