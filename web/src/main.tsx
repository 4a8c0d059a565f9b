// The dashboard: sign in with an API token, then contracts, a contract's page, the inbox and the
// review queue, in zh-CN or en.
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { render } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { PARTY_KINDS } from '../../domain/organizations';
import { api, ApiFailure, get, getAll, session, speakWithApiIn, whenUnauthorized } from './api';
import { createI18n, I18nContext, initialLang, LANGUAGE_NAMES, rememberLang, ROLE, useI18n, type Lang } from './i18n';
import { ContractPage } from './pages/contract';
import { ContractsPage } from './pages/contracts';
import { InboxPage } from './pages/inbox';
import { ReviewsPage } from './pages/reviews';
import { href, useRoute } from './router';
import { OverduePage } from './pages/overdue';
import type { Me, Notification, Organization, Page } from './types';
import { Field, Loading, SessionContext, useSession, type Session } from './ui';

function LanguageSwitch() {
  const { lang, setLang, m } = useI18n();
  return (
    <div class="lang-switch">
      <label for="lang-select">{m('language')}</label>
      <select
        id="lang-select"
        value={lang}
        onChange={(e) => setLang((e.currentTarget as HTMLSelectElement).value as Lang)}
      >
        {(Object.entries(LANGUAGE_NAMES) as Array<[Lang, string]>).map(([l, name]) => (
          <option key={l} value={l} lang={l}>
            {name}
          </option>
        ))}
      </select>
    </div>
  );
}

function Login({ onSignedIn }: { onSignedIn(me: Me): void }) {
  const { m } = useI18n();
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const candidate = token.trim();
    if (!candidate) return setProblem(m('loginEmpty'));
    setBusy(true);
    try {
      const me = await api<Me>('GET', '/v1/me', undefined, candidate);
      session.start(candidate);
      onSignedIn(me);
    } catch (error) {
      setProblem(
        error instanceof ApiFailure && error.status === 401 ? m('loginInvalid') : String((error as Error).message),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="login">
      <div class="login-head">
        <h1>{m('appName')}</h1>
        <LanguageSwitch />
      </div>
      <p class="muted">{m('tagline')}</p>
      <form onSubmit={submit} class="card" aria-labelledby="login-title" noValidate>
        <h2 id="login-title">{m('loginTitle')}</h2>
        <p>{m('loginIntro')}</p>
        <Field label={m('loginToken')} problem={problem}>
          {(attrs) => (
            <input
              {...attrs}
              name="token"
              type="password"
              autoComplete="off"
              spellcheck={false}
              value={token}
              onInput={(e) => setToken((e.currentTarget as HTMLInputElement).value)}
            />
          )}
        </Field>
        <button type="submit" class="primary" disabled={busy}>
          {m('loginSubmit')}
        </button>
      </form>
    </main>
  );
}

function UnreadCount({ generation, page }: { generation: number; page: string }) {
  const [count, setCount] = useState<number>();
  useEffect(() => {
    get<Page<Notification>>('/v1/inbox?unread=true&limit=200').then(
      (page) => setCount(page.items.length),
      () => setCount(undefined),
    );
  }, [generation, page]);
  if (!count) return null;
  return (
    <span class="count" aria-label={`(${count})`}>
      {count >= 200 ? '200+' : count}
    </span>
  );
}

function Shell({ onSignOut, inboxGeneration }: { onSignOut(): void; inboxGeneration: number }) {
  const { m, text } = useI18n();
  const { me } = useSession();
  const route = useRoute();
  const isEvaluator = me.roles.includes('evaluator');
  // The payer's yearly list: its users (of an organization that may pay: PARTY_KINDS), auditors, administrators.
  const seesOverdue =
    (me.organization !== null && PARTY_KINDS.payer.includes(me.organization.kind)) ||
    me.roles.includes('auditor') ||
    me.roles.includes('admin');
  const current = (page: string) =>
    route.page === page || (page === 'contracts' && route.page === 'contract') ? 'page' : undefined;
  return (
    <>
      <a
        class="skip"
        href="#main"
        onClick={(e) => {
          // The hash names the page here: move the focus without navigating.
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        {m('skip')}
      </a>
      <header class="top">
        <div class="brand">
          <a href={href.contracts()}>{m('appName')}</a>
        </div>
        <nav aria-label={m('navLabel')}>
          <ul>
            <li>
              <a href={href.contracts()} aria-current={current('contracts')}>
                {m('navContracts')}
              </a>
            </li>
            <li>
              <a href={href.inbox()} aria-current={current('inbox')}>
                {m('navInbox')} <UnreadCount generation={inboxGeneration} page={route.page} />
              </a>
            </li>
            {isEvaluator && (
              <li>
                <a href={href.reviews()} aria-current={current('reviews')}>
                  {m('navReviews')}
                </a>
              </li>
            )}
            {seesOverdue && (
              <li>
                <a href={href.overdue()} aria-current={current('overdue')}>
                  {m('navOverdue')}
                </a>
              </li>
            )}
          </ul>
        </nav>
        <div class="who">
          <span>
            {m('signedInAs', { name: me.name })}
            {me.organization ? ` · ${me.organization.name}` : ''} · {me.roles.map((r) => text(ROLE[r])).join(', ')}
          </span>
          <LanguageSwitch />
          <button type="button" onClick={onSignOut}>
            {m('logout')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {route.page === 'contracts' && <ContractsPage />}
        {route.page === 'contract' && <ContractPage key={route.id} id={route.id} />}
        {route.page === 'inbox' && <InboxPage />}
        {route.page === 'reviews' && <ReviewsPage />}
        {route.page === 'overdue' && <OverduePage />}
        {route.page === 'missing' && <p>{m('notFound')}</p>}
      </main>
    </>
  );
}

function App() {
  // The API answers (its refusal reasons included) in the page's language: set before the first request.
  const [lang, setLangState] = useState<Lang>(() => speakWithApiIn(initialLang()));
  const setLang = useCallback((next: Lang) => {
    rememberLang(next);
    setLangState(speakWithApiIn(next));
  }, []);
  const i18n = useMemo(() => createI18n(lang, setLang), [lang, setLang]);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = i18n.m('appName');
  }, [lang, i18n]);

  const [me, setMe] = useState<Me | null>(null);
  const [organizations, setOrganizations] = useState<Map<string, Organization>>(new Map());
  const [checking, setChecking] = useState(() => session.token() !== null);
  const [inboxGeneration, setInboxGeneration] = useState(0);

  const signOut = useCallback(() => {
    session.end();
    setMe(null);
  }, []);
  useEffect(() => whenUnauthorized(signOut), [signOut]);

  useEffect(() => {
    if (!session.token()) return;
    get<Me>('/v1/me').then(
      (found) => (setMe(found), setChecking(false)),
      // Only a refused token ends the session; an API restarting or a network error does not.
      (error) => {
        if (error instanceof ApiFailure && error.status === 401) session.end();
        setChecking(false);
      },
    );
  }, []);
  useEffect(() => {
    if (!me) return;
    getAll<Organization>('/v1/organizations').then(
      (items) => setOrganizations(new Map(items.map((o) => [o.id, o]))),
      () => {},
    );
  }, [me]);

  // Users' names, asked for as the page meets their ids: each id once, in batches of at most 100.
  const [userNames, setUserNames] = useState<Map<string, string>>(new Map());
  const asked = useRef(new Set<string>());
  const learnUserNames = useCallback((ids: string[]) => {
    const fresh = [...new Set(ids)].filter(
      (id) => !asked.current.has(id) && id.length <= 64 && /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/.test(id),
    );
    for (const id of fresh) asked.current.add(id);
    for (let i = 0; i < fresh.length; i += 100) {
      const batch = fresh.slice(i, i + 100);
      get<Page<{ id: string; name: string }>>(`/v1/users/names?ids=${encodeURIComponent(batch.join(','))}`).then(
        (page) => setUserNames((known) => new Map([...known, ...page.items.map((u) => [u.id, u.name] as const)])),
        // Not known, or not now: the id stays as it is.
        () => {},
      );
    }
  }, []);

  const sessionValue = useMemo<Session | null>(
    () =>
      me
        ? { me, organizations, inboxChanged: () => setInboxGeneration((g) => g + 1), userNames, learnUserNames }
        : null,
    [me, organizations, userNames, learnUserNames],
  );

  return (
    <I18nContext.Provider value={i18n}>
      {checking ? (
        <Loading />
      ) : sessionValue ? (
        <SessionContext.Provider value={sessionValue}>
          <Shell onSignOut={signOut} inboxGeneration={inboxGeneration} />
        </SessionContext.Provider>
      ) : (
        <Login onSignedIn={setMe} />
      )}
    </I18nContext.Provider>
  );
}

render(<App />, document.getElementById('app')!);
