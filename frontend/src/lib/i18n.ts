import i18next, { type i18n as I18n } from "i18next";
import { initReactI18next } from "react-i18next";

/**
 * Languages of the SPA, each with its writing direction (Medusa's admin keeps the same flag). The
 * operator workspace offers French (default) and English; Arabic is for the client journeys at /landing.
 */
export const languages = {
  fr: { dir: "ltr", label: "Français", workspace: true },
  en: { dir: "ltr", label: "English", workspace: true },
  ar: { dir: "rtl", label: "العربية", workspace: false },
} as const;

export type Language = keyof typeof languages;
export const defaultLanguage: Language = "fr";
export const LANGUAGE_STORAGE_KEY = "mtf.language";

// One JSON file per feature and language: src/locales/<lang>/<namespace>.json. The client journeys' texts
// (landing.json) are loaded by the landing app itself, one language at a time, never by the workspace.
const files = import.meta.glob<{ default: Record<string, unknown> }>(
  ["../locales/*/*.json", "!../locales/*/landing.json"],
  { eager: true },
);

export function localeResources(): Record<string, Record<string, Record<string, unknown>>> {
  const resources: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const [path, module] of Object.entries(files)) {
    const [, language, namespace] = /\/locales\/([^/]+)\/([^/]+)\.json$/.exec(path) ?? [];
    if (!language || !namespace) continue;
    (resources[language] ??= {})[namespace] = module.default;
  }
  return resources;
}

function isLanguage(value: string | null | undefined): value is Language {
  return !!value && value in languages;
}

export function storedLanguage(): Language {
  const stored = globalThis.localStorage?.getItem(LANGUAGE_STORAGE_KEY);
  return isLanguage(stored) ? stored : defaultLanguage;
}

/** Keep `<html lang dir>` in step with the language so screen readers and RTL layout follow it. */
function applyToDocument(language: string) {
  if (typeof document === "undefined") return;
  document.documentElement.lang = language;
  document.documentElement.dir = isLanguage(language) ? languages[language].dir : "ltr";
}

export function createI18n(language: Language = storedLanguage()): I18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources: localeResources(),
    lng: language,
    fallbackLng: false,
    defaultNS: "common",
    ns: Object.keys(localeResources()[defaultLanguage] ?? {}),
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  applyToDocument(language);
  instance.on("languageChanged", (next) => {
    applyToDocument(next);
    if (isLanguage(next)) localStorage.setItem(LANGUAGE_STORAGE_KEY, next);
  });
  return instance;
}

export const i18n = createI18n();
