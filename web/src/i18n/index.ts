import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import catalogueCs from '../features/admin-catalogue/locales/cs.json';
import catalogueEn from '../features/admin-catalogue/locales/en.json';
import channelsCs from '../features/admin-channels/locales/cs.json';
import channelsEn from '../features/admin-channels/locales/en.json';
import operatorsCs from '../features/admin-operators/locales/cs.json';
import operatorsEn from '../features/admin-operators/locales/en.json';
import policiesCs from '../features/admin-policies/locales/cs.json';
import policiesEn from '../features/admin-policies/locales/en.json';
import settingsCs from '../features/admin-settings/locales/cs.json';
import settingsEn from '../features/admin-settings/locales/en.json';
import routingCs from '../features/admin-routing/locales/cs.json';
import routingEn from '../features/admin-routing/locales/en.json';
import cs from './cs.json';
import en from './en.json';

/** The administration sections keep their texts beside them, each under a key of its own. */
const sectionTexts = {
  en: [operatorsEn, routingEn, channelsEn, catalogueEn, settingsEn, policiesEn],
  cs: [operatorsCs, routingCs, channelsCs, catalogueCs, settingsCs, policiesCs],
};

export const languages = ['en', 'cs'] as const;
const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem('language');

void i18n.use(initReactI18next).init({
  resources: {
    en: { translation: Object.assign({}, en, ...sectionTexts.en) },
    cs: { translation: Object.assign({}, cs, ...sectionTexts.cs) },
  },
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
