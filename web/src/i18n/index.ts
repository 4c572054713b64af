import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from '../api/types';
import en from './en.json';
import hi from './hi.json';

export const LANGUAGES: readonly Language[] = ['en', 'hi'];
const STORAGE_KEY = 'seva.language';

export const isLanguage = (value: unknown): value is Language => value === 'en' || value === 'hi';

function readStoredLanguage(): Language | null {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    return isLanguage(stored) ? stored : null;
  } catch {
    return null; // storage disabled (private mode on some phones)
  }
}

/** True once the person has picked a language on this device. */
export const hasStoredLanguage = (): boolean => readStoredLanguage() !== null;

function initialLanguage(): Language {
  const stored = readStoredLanguage();
  if (stored) return stored;
  return navigator.languages.some((l) => l.toLowerCase().startsWith('hi')) ? 'hi' : 'en';
}

export const currentLanguage = (): Language => (isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : 'en');

/** Switches the UI language; `remember` keeps the choice on this device (localStorage, never a cookie). */
export async function changeLanguage(lang: Language, remember = true): Promise<void> {
  if (remember) {
    try {
      window.localStorage.setItem(STORAGE_KEY, lang);
    } catch {
      // Not persisted; the switch still works for this visit.
    }
  }
  await i18n.changeLanguage(lang);
}

i18n.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
});

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, hi: { translation: hi } },
  lng: initialLanguage(),
  fallbackLng: 'en',
  supportedLngs: LANGUAGES,
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});

export default i18n;
