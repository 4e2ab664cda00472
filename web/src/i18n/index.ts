import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import cs from './cs.json';
import en from './en.json';

export const languages = ['en', 'cs'] as const;
const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem('language');

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, cs: { translation: cs } },
  lng: stored === 'cs' || stored === 'en' ? stored : navigator.language.startsWith('cs') ? 'cs' : 'en',
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
});

i18n.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
  localStorage.setItem('language', lng);
});
document.documentElement.lang = i18n.language;

export { i18n };
