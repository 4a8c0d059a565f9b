// The page asks the API for its own language on every call (issue 16 item 1): the dashboard's one
// way to the API (web/src/api.ts) sends Accept-Language, set by the page (web/src/main.tsx) before
// its first request and on every change of language.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { request, speakWithApiIn } from '../../web/src/api';

describe('the page’s requests', () => {
  afterEach(() => vi.unstubAllGlobals());

  function recordingFetch(status = 200, body: unknown = {}) {
    const sent: Array<Record<string, string>> = [];
    vi.stubGlobal('fetch', async (_path: string, init: { headers: Record<string, string> }) => {
      sent.push(init.headers);
      return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    });
    return sent;
  }

  it('carry the page’s language as Accept-Language, whichever it is now', async () => {
    const sent = recordingFetch();
    speakWithApiIn('zh-CN');
    await request('GET', '/v1/me', undefined, { token: 'gf_token' });
    await request('POST', '/v1/contracts', { id: 'x' }, { token: 'gf_token' });
    speakWithApiIn('en');
    await request('GET', '/v1/me', undefined, { token: 'gf_token' });
    expect(sent.map((h) => h['accept-language'])).toEqual(['zh-CN', 'zh-CN', 'en']);
  });

  it('hand the API’s reasons, in that language, to the form', async () => {
    recordingFetch(400, {
      error: {
        code: 'invalid_request',
        message: 'phone：必须是电话号码',
        details: [{ field: 'phone', reason: '必须是电话号码', code: 'must_be' }],
      },
    });
    speakWithApiIn('zh-CN');
    const failure = await request('POST', '/v1/organizations/org_v/contacts', {}, { token: 'gf_token' }).catch(
      (e: unknown) => e,
    );
    expect(failure).toMatchObject({
      status: 400,
      code: 'invalid_request',
      details: [{ field: 'phone', reason: '必须是电话号码', code: 'must_be' }],
    });
  });

  it('carry an Idempotency-Key when the form gives one, and none otherwise', async () => {
    const sent = recordingFetch(201);
    await request('POST', '/v1/contracts/C-1/payment-applications', {}, { token: 'gf_token', idempotencyKey: 'k-1' });
    await request('POST', '/v1/contracts/C-1/payments', {}, { token: 'gf_token' });
    expect(sent.map((h) => h['idempotency-key'])).toEqual(['k-1', undefined]);
  });

  it('the page sets the language before its first request and on every change', async () => {
    const { readFile } = await import('node:fs/promises');
    const main = await readFile(new URL('../../web/src/main.tsx', import.meta.url), 'utf8');
    expect(main).toMatch(/useState<Lang>\(\(\) => speakWithApiIn\(initialLang\(\)\)\)/);
    expect(main).toMatch(/setLangState\(speakWithApiIn\(next\)\)/);
  });
});
