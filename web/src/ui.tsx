// Small pieces every page uses: loading an API answer, showing a failure, labelled form fields
// whose API problems appear beside them, badges, and who the user is.
import type { ComponentChildren, JSX } from 'preact';
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useId, useState } from 'preact/hooks';
import { ApiFailure } from './api';
import { useI18n } from './i18n';
import { shanghaiDate } from '../../domain/dates';
import { isContractorStaff } from '../../domain/organizations';
import { isFieldWithin } from '../../domain/problems';
import type { Me, Organization } from './types';

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload(): void;
}

/** Runs `load` when `deps` change (and on reload()); keeps the previous data while reloading. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => current && setState({ data, loading: false }),
      (error: unknown) =>
        current &&
        setState((s) => ({ ...s, error: error instanceof Error ? error : new Error(String(error)), loading: false })),
    );
    return () => {
      current = false;
    };
    // The caller names the dependencies, as with useEffect.
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export function Loading() {
  const { m } = useI18n();
  return (
    <p class="muted" role="status">
      {m('loading')}
    </p>
  );
}

export function Failure({ error }: { error: Error }) {
  const { m } = useI18n();
  return (
    <p class="alert alert-error" role="alert">
      {m('failed', { message: error.message })}
    </p>
  );
}

/** Data once loaded; the loading note at first; the failure when there is no data to show. */
export function Await<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ComponentChildren }) {
  if (loaded.data !== undefined) {
    return (
      <>
        {loaded.error && <Failure error={loaded.error} />}
        {children(loaded.data)}
      </>
    );
  }
  if (loaded.error) return <Failure error={loaded.error} />;
  return <Loading />;
}

interface FieldProps {
  label: string;
  hint?: string;
  /** The API's reason this field was refused, shown beside it and announced. */
  problem?: string;
  children: (attrs: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: 'true' }) => JSX.Element;
}

export function Field({ label, hint, problem, children }: FieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const problemId = problem ? `${id}-problem` : undefined;
  const describedBy = [problemId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${problem ? ' field-invalid' : ''}`}>
      <label for={id}>{label}</label>
      {children({ id, 'aria-describedby': describedBy, ...(problem ? { 'aria-invalid': 'true' as const } : {}) })}
      {problem && (
        <p class="field-problem" id={problemId}>
          {problem}
        </p>
      )}
      {hint && (
        <p class="field-hint" id={hintId}>
          {hint}
        </p>
      )}
    </div>
  );
}

/** Problems of a failed request that no field shows: the message, and details of other fields. */
export function FormProblems({
  failure,
  fields,
  prefix,
}: {
  failure: ApiFailure | undefined;
  fields: string[];
  prefix: string;
}) {
  if (!failure) return null;
  const others = failure.details.filter((d) => !fields.some((f) => isFieldWithin(d.field, f)));
  return (
    <div class="alert alert-error" role="alert" tabIndex={-1}>
      <p>{prefix}</p>
      {others.length > 0 && (
        <ul>
          {others.map((d, i) => (
            <li key={i}>{d.field ? `${d.field}: ${d.reason}` : d.reason}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function asFailure(error: unknown): ApiFailure {
  return error instanceof ApiFailure
    ? error
    : new ApiFailure(0, 'network', error instanceof Error ? error.message : String(error), []);
}

/** A badge's colour. */
export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'muted';

export function Badge({ tone, children }: { tone: Tone; children: ComponentChildren }) {
  return <span class={`badge badge-${tone}`}>{children}</span>;
}

export interface Session {
  me: Me;
  organizations: Map<string, Organization>;
  /** Tell the header that the unread count may have changed. */
  inboxChanged(): void;
  /** Users' names by id, as far as asked for so far (GET /v1/users/names). */
  userNames: Map<string, string>;
  /** Ask for the names of these users (batched; each id asked once). */
  learnUserNames(ids: string[]): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionContext');
  return session;
}

/** An organization's name when the API lists it, else its id. */
export function useOrgName(): (id: string | null | undefined) => string {
  const { organizations } = useSession();
  return (id) => (id ? (organizations.get(id)?.name ?? id) : '');
}

/**
 * A user id as shown: "you" for the signed-in user, a person by name (asked for once per id),
 * the engine and the pre-check by what they are; the id itself only until the name is known.
 */
export function useActorName(): (id: string | null) => string {
  const { me, userNames, learnUserNames } = useSession();
  const { m } = useI18n();
  const unknown: string[] = [];
  useEffect(() => {
    if (unknown.length > 0) learnUserNames(unknown);
  });
  return (id) => {
    if (id === null) return m('actorSystem');
    if (id === 'precheck') return m('actorPrecheck');
    if (id === me.id) return `${me.name} (${m('actorYou')})`;
    const name = userNames.get(id);
    if (name === undefined) unknown.push(id);
    return name ?? id;
  };
}

/** A person by name with their id beside it as secondary text, never broken across lines. */
export function Actor({ id }: { id: string | null }) {
  const actorName = useActorName();
  const { me, userNames } = useSession();
  const name = actorName(id);
  return id !== null && id !== me.id && userNames.has(id) ? (
    <>
      {name} <span class="mono muted small nowrap">{id}</span>
    </>
  ) : (
    <>{name}</>
  );
}

export function Section({
  title,
  id,
  children,
  actions,
}: {
  title: string;
  id: string;
  children: ComponentChildren;
  actions?: ComponentChildren;
}) {
  return (
    <section class="card" aria-labelledby={`${id}-title`} id={id}>
      <div class="card-head">
        <h2 id={`${id}-title`}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

export const encode = encodeURIComponent;

/** Today's date in Asia/Shanghai, YYYY-MM-DD. */
export function shanghaiToday(): string {
  return shanghaiDate(Date.now());
}

/** The contractor's own staff (project leads, station workers) act for its stations. */
export function isStationStaff(me: Me, contractorId: string): boolean {
  return isContractorStaff(
    { userId: me.id, organizationId: me.organization?.id ?? null, roles: me.roles },
    contractorId,
  );
}

/**
 * A form's sending: one at a time (the button stays focusable while sending, so focus is never
 * dropped), and the API's refusal kept for the fields to show.
 */
export function useSubmission() {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiFailure>();
  const submit = async (send: () => Promise<void>) => {
    if (busy) return;
    setBusy(true);
    try {
      await send();
      setFailure(undefined);
    } catch (error) {
      setFailure(asFailure(error));
    } finally {
      setBusy(false);
    }
  };
  return { busy, failure, submit };
}
