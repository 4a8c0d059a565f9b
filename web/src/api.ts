// The dashboard's only way to the data: the public /v1 API, with the user's bearer token from
// session storage. Errors arrive in the API's one shape { error: { code, message, details? } }.
import { isFieldWithin } from '../../domain/problems';
import type { Page } from './types';

export interface Problem {
  field?: string;
  /** In the page's language (the API reads the Accept-Language every request sends). */
  reason: string;
  /** The reason's stable code (domain/messages.ts). */
  code?: string;
}

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Problem[],
  ) {
    super(message);
    this.name = 'ApiFailure';
  }

  /** The API's reasons for one field (e.g. "amount"), joined. */
  reasonFor(field: string): string | undefined {
    const reasons = this.details.filter((d) => isFieldWithin(d.field, field)).map((d) => d.reason);
    return reasons.length > 0 ? reasons.join('; ') : undefined;
  }
}

const TOKEN_KEY = 'grantflow.token';

export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  start: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  end: () => sessionStorage.removeItem(TOKEN_KEY),
};

let language: string | undefined;
/**
 * The language every later request asks the API to answer in (Accept-Language; the API speaks
 * zh-CN and en, domain/messages.ts): the page's own. Returns `lang`.
 */
export function speakWithApiIn<L extends string>(lang: L): L {
  language = lang;
  return lang;
}

let onUnauthorized: () => void = () => {};
/** What to do when the API stops accepting the token (it was replaced, or the tab's session ended). */
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

export interface RequestOptions {
  /** The bearer token; the session's by default. */
  token?: string | null;
  /** Sent as Idempotency-Key (a form's attempt: web/src/idempotency.ts). */
  idempotencyKey?: string;
}

/**
 * One request; the status with the parsed body when it succeeds, an ApiFailure when it does not.
 * `body`: a value sent as JSON, or a Blob of JSON sent as it is (a body with files: web/src/uploads.ts).
 */
export async function request<T>(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  { token = session.token(), idempotencyKey }: RequestOptions = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (language) headers['accept-language'] = language;
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
  const payload = body === undefined || body instanceof Blob ? body : JSON.stringify(body);
  const response = await fetch(path, { method, headers, body: payload });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string; details?: Problem[] } } | undefined)?.error;
    if (response.status === 401 && token === session.token()) onUnauthorized();
    throw new ApiFailure(
      response.status,
      error?.code ?? 'http_error',
      error?.message ?? `${response.status} ${response.statusText}`,
      error?.details ?? [],
    );
  }
  return { status: response.status, body: parsed as T };
}

export async function api<T>(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  token = session.token(),
): Promise<T> {
  return (await request<T>(method, path, body, { token })).body;
}

export const get = <T>(path: string) => api<T>('GET', path);

/** Pages a list route follows at most (a province's lists are long; the page shows what it read). */
const MAX_PAGES = 50;

/**
 * Every item of a keyset list, following `nextCursor` page by page (at most MAX_PAGES pages): a
 * count or a name taken from the first page alone would be wrong past one page.
 */
export async function getAll<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const separator = path.includes('?') ? '&' : '?';
    const answer = await get<Page<T>>(cursor ? `${path}${separator}cursor=${encodeURIComponent(cursor)}` : path);
    items.push(...answer.items);
    cursor = answer.nextCursor;
    if (!cursor) break;
  }
  return items;
}
export const post = <T>(path: string, body: unknown) => api<T>('POST', path, body);
