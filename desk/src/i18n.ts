import { catalogue } from './catalogue';
import { Value } from './value';

export type MessageKey = keyof typeof catalogue;
export const languages = ['en', 'ru'] as const;
export type Language = (typeof languages)[number];

const chosen = localStorage.getItem('desk.language');
/** The interface language: the one chosen with the switch, else the browser's. */
export const language = new Value<Language>(
  chosen === 'en' || chosen === 'ru' ? chosen : navigator.language.toLowerCase().startsWith('ru') ? 'ru' : 'en',
);

export function chooseLanguage(next: Language): void {
  localStorage.setItem('desk.language', next);
  document.documentElement.lang = next;
  language.set(next);
}

/** The message in the current language, with {name} replaced by params.name. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = catalogue[key][languages.indexOf(language.get())];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
}

export function time(iso: string | number): string {
  return new Date(iso).toLocaleString(language.get(), { dateStyle: 'short', timeStyle: 'short' });
}
