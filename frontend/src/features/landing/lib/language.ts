import i18next, { type i18n as I18n } from "i18next";
import { initReactI18next } from "react-i18next";
import { money } from "@/features/landing/lib/money";

export const LANDING_LANGUAGES = ["fr", "en", "ar"] as const;
export type LandingLanguage = (typeof LANDING_LANGUAGES)[number];
export const LANDING_LANGUAGE_KEY = "mtf.landing.language";

export const languageLabels: Record<LandingLanguage, string> = {
  fr: "Français",
  en: "English",
  ar: "العربية",
};

export function directionOf(language: LandingLanguage): "rtl" | "ltr" {
  return language === "ar" ? "rtl" : "ltr";
}

export function asLanguage(value: string | null | undefined): LandingLanguage | null {
  const base = value?.toLowerCase().split("-")[0];
  return LANDING_LANGUAGES.find((language) => language === base) ?? null;
}

/**
 * The language of the journeys: `?lang=` first (a link the operator sends), then the customer's stored
 * choice, then the browser's languages in order, then French.
 */
export function resolveLanguage(
  search: string,
  stored: string | null,
  browserLanguages: readonly string[],
): LandingLanguage {
  const fromQuery = asLanguage(new URLSearchParams(search).get("lang"));
  if (fromQuery) return fromQuery;
  const fromStore = asLanguage(stored);
  if (fromStore) return fromStore;
  for (const candidate of browserLanguages) {
    const found = asLanguage(candidate);
    if (found) return found;
  }
  return "fr";
}

function readStored(): string | null {
  try {
    return localStorage.getItem(LANDING_LANGUAGE_KEY);
  } catch {
    return null;
  }
}

export function initialLanguage(): LandingLanguage {
  return resolveLanguage(window.location.search, readStored(), navigator.languages ?? [navigator.language]);
}

/** `<html lang dir>` follows the language, so the whole page (scrollbars included) turns right-to-left. */
export function applyLanguageToDocument(language: LandingLanguage) {
  document.documentElement.lang = language;
  document.documentElement.dir = directionOf(language);
}

type Texts = Record<string, unknown>;
// One chunk per language: a customer downloads only the texts of the language they read.
const textFiles = import.meta.glob<{ default: Texts }>("../../../locales/*/landing.json");

export async function loadTexts(language: LandingLanguage): Promise<Texts> {
  const file = textFiles[`../../../locales/${language}/landing.json`];
  if (!file) throw new Error(`no landing texts for ${language}`);
  return (await file()).default;
}

/** Switch language once its texts are loaded (the page never shows keys in between). */
export async function switchLanguage(instance: I18n, language: LandingLanguage) {
  if (!instance.hasResourceBundle(language, "landing")) {
    instance.addResourceBundle(language, "landing", await loadTexts(language));
  }
  await instance.changeLanguage(language);
}

/**
 * The landing's own i18next instance with only its own texts: the operator's namespaces stay out of the
 * customer's download, and a customer's language choice never changes the workspace's (separate key).
 */
export function createLandingI18n(language: LandingLanguage, texts: Texts): I18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources: { [language]: { landing: texts } },
    lng: language,
    fallbackLng: false,
    defaultNS: "landing",
    ns: ["landing"],
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  // `{{amount, money}}`: a sentence shows an amount exactly as it stands alone (isolated, see money()).
  instance.services.formatter?.add("money", (value: string, language, options) =>
    money(value, language ?? "fr", (options as { currency?: string }).currency),
  );
  applyLanguageToDocument(language);
  instance.on("languageChanged", (next) => {
    const chosen = asLanguage(next) ?? "fr";
    applyLanguageToDocument(chosen);
    try {
      localStorage.setItem(LANDING_LANGUAGE_KEY, chosen);
    } catch {
      // Private browsing without storage: the choice lasts for this page only.
    }
  });
  return instance;
}
