import i18next, { type i18n as I18n } from "i18next";
import resourcesToBackend from "i18next-resources-to-backend";
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

type Resources = Record<string, Record<string, Record<string, unknown>>>;
type Texts = { default: Record<string, unknown> };

// One JSON file per feature and language: src/locales/<lang>/<namespace>.json. The workspace loads one
// language at a time (the other's texts never weigh on the first page; switching loads them), each
// namespace its own small chunk. The client journeys' texts (landing.json) are loaded by the landing app
// itself, never by the workspace.
const lazyFiles = import.meta.glob<Texts>(["../locales/*/*.json", "!../locales/*/landing.json"]);

function namespaceOf(path: string): [string, string] | null {
  const [, language, namespace] = /\/locales\/([^/]+)\/([^/]+)\.json$/.exec(path) ?? [];
  return language && namespace ? [language, namespace] : null;
}

/** The namespaces of the reference language: every language has the same ones (a test holds it). */
export const namespaces = Object.keys(lazyFiles)
  .map(namespaceOf)
  .filter((entry): entry is [string, string] => entry?.[0] === defaultLanguage)
  .map(([, namespace]) => namespace);

/** Every language's texts at once, for tests (the translations check, synchronous rendering). */
export async function allLocaleResources(): Promise<Resources> {
  const resources: Resources = {};
  for (const [path, load] of Object.entries(lazyFiles)) {
    const entry = namespaceOf(path);
    if (!entry) continue;
    (resources[entry[0]] ??= {})[entry[1]] = (await load()).default;
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

/**
 * The workspace's i18next instance. Given `resources` (tests) it is ready at once; otherwise it fetches
 * the language's namespaces, and `ready` resolves when the first page can render.
 */
export function createI18n(
  language: Language = storedLanguage(),
  resources?: Resources,
): { instance: I18n; ready: Promise<unknown> } {
  const instance = i18next.createInstance();
  if (!resources)
    instance.use(
      resourcesToBackend((lng: string, ns: string) => {
        const load = lazyFiles[`../locales/${lng}/${ns}.json`];
        return load ? load().then((module) => module.default) : Promise.resolve({});
      }),
    );
  const ready = instance.use(initReactI18next).init({
    ...(resources ? { resources, initAsync: false } : {}),
    lng: language,
    fallbackLng: false,
    defaultNS: "common",
    ns: namespaces,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  applyToDocument(language);
  instance.on("languageChanged", (next) => {
    applyToDocument(next);
    if (isLanguage(next)) localStorage.setItem(LANGUAGE_STORAGE_KEY, next);
  });
  return { instance, ready };
}

const workspace = createI18n();
export const i18n = workspace.instance;
/** Resolves once the stored language's texts are loaded: main.tsx waits for it before the first render. */
export const i18nReady = workspace.ready;
