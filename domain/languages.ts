// The languages grantflow speaks and a text written in each of them: one list for the API's
// catalog (domain/messages.ts), the engine's notices and the page (web/src/i18n.ts), so a language
// added here makes every text without it fail the typecheck. Imports nothing: every layer may use it.

/** English first: the API's default (domain/messages.ts DEFAULT_LANG) and the order of a Text's fields in its answers. */
export const LANGS = ['en', 'zh-CN'] as const;
export type Lang = (typeof LANGS)[number];

export function isLang(value: unknown): value is Lang {
  return (LANGS as readonly unknown[]).includes(value);
}

/** A text people read, in every language: `{ en, 'zh-CN' }`. */
export type Text = Record<Lang, string>;

/**
 * A Text from its English and its Chinese: the one builder of the label tables (domain/events.ts,
 * domain/organizations.ts, web/src/i18n.ts); a language added to LANGS changes it, and every table with it.
 */
export function text(en: string, zh: string): Text {
  return { en, 'zh-CN': zh };
}

/** What a notice says: its subject line and its body, each in every language. */
export interface NoticeText {
  subject: Text;
  body: Text;
}
