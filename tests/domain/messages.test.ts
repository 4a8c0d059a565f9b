// The message catalog (issue 16 item 1): every code in both languages, typed so that a message
// missing a language fails the typecheck; Accept-Language chooses, English by default.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LANGS } from '../../domain/languages';
import { entry, languageOf, MESSAGES, render, renderLoose, say } from '../../domain/messages';
import { problem } from '../../domain/problems';

describe('the message catalog', () => {
  it('has every code in every language, each a function', () => {
    for (const [code, message] of Object.entries(MESSAGES)) {
      expect(Object.keys(message).sort(), code).toEqual([...LANGS].sort());
      for (const lang of LANGS) expect(typeof message[lang], `${code} ${lang}`).toBe('function');
    }
  });

  it('refuses, at typecheck, a message in one language only or a code without its parameters', () => {
    // @ts-expect-error — no zh-CN: a message cannot exist in one language only.
    entry({ en: () => 'only English' });
    // @ts-expect-error — one_of needs its values.
    say('one_of');
    // @ts-expect-error — not a code of the catalog.
    say('no_such_code');
    expect(render(say('required'), 'zh-CN')).toBe('为必填项');
  });

  it('writes a message with its parameters in each language', () => {
    const values = say('one_of', { values: ['fiscal', 'welfare_lottery_fund'] });
    expect(render(values, 'en')).toBe('must be one of "fiscal" or "welfare_lottery_fund"');
    expect(render(values, 'zh-CN')).toBe('必须是 "fiscal" 或 "welfare_lottery_fund" 之一');
    const phone = say('must_be', { what: 'pattern_phone' });
    expect(render(phone, 'en')).toBe('must be a phone number: digits, spaces or dashes, optionally starting with +');
    expect(render(phone, 'zh-CN')).toBe('必须是电话号码：数字、空格或短横线，可以 + 开头');
    const term = say('within_term', { from: '2022-09-01', to: '2023-08-31' });
    expect(render(term, 'zh-CN')).toBe('必须在合同期内（2022年9月1日至2023年8月31日）');
  });

  it('a problem keeps its English reason and its code, so the API can write it in another language', () => {
    const p = problem('tranches.0.amount', 'above_zero');
    expect(p).toEqual({ field: 'tranches.0.amount', reason: 'must be greater than zero', code: 'above_zero' });
    expect(renderLoose({ code: p.code!, params: p.params }, 'zh-CN')).toBe('必须大于零');
    // Through JSON (a workflow's failure details, a history) it says the same.
    const travelled = JSON.parse(JSON.stringify(problem('items.0.quantity', 'more_than_owed', { owed: 2 })));
    expect(renderLoose(travelled, 'zh-CN')).toBe('超过了尚欠的 2 份');
    expect(renderLoose({ code: 'not_in_the_catalog' }, 'zh-CN')).toBe('not_in_the_catalog');
  });
});

describe('the language a request asks for (Accept-Language)', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['zh-CN', 'zh-CN'],
    ['zh', 'zh-CN'],
    ['zh-Hans-CN;q=0.9', 'zh-CN'],
    ['ZH-cn', 'zh-CN'],
    ['en-US,en;q=0.9', 'en'],
    ['fr-FR,zh-CN;q=0.8,en;q=0.5', 'zh-CN'],
    ['en;q=0.4,zh;q=0.6', 'zh-CN'],
    ['zh;q=0,en', 'en'],
    ['de, fr', 'en'],
    ['*', 'en'],
  ] as const)('%j → %s', (header, lang) => {
    expect(languageOf(header)).toBe(lang);
  });

  it('is one of the languages the API speaks for any header, never an error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (header) =>
        (LANGS as readonly string[]).includes(languageOf(header)),
      ),
    );
  });
});
