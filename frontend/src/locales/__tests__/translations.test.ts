import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { allLocaleResources, defaultLanguage, languages } from "@/lib/i18n";

/**
 * Translation files are checked like code (Medusa's admin does the same): every key of the reference
 * language exists in every other language, and no key is left unused by the source.
 */
const resources = await allLocaleResources();
const reference = resources[defaultLanguage]!;

// Namespaces the client journeys need in Arabic; the operator workspace itself is French and English.
const ARABIC_NAMESPACES = ["common", "errors", "landing"];

// Keys built at run time from a value, e.g. t(`errors:codes.${error.code}`): each family and why.
const DYNAMIC_FAMILIES: Record<string, string[]> = {
  errors: ["codes.", "validation.phone_format_"], // keyed on the API error codes; on the number family
  common: ["roles.", "status.", "backend.reason_", "table.previous", "table.next"],
  search: ["groups.", "kinds."], // keyed on the record kind
  clients: ["kind.", "delete.history.", "fields."], // keyed on the client kind and the API's history kinds
  audit: ["languages."], // keyed on the language an acceptance names
};
// i18next picks `key_one` / `key_other` by count: the source names the key without the suffix.
const PLURAL = /_(zero|one|two|few|many|other)$/;
const EXTRA_DYNAMIC: Record<string, string[]> = {};

function flatten(tree: Record<string, unknown>, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === "object" && value !== null
      ? flatten(value as Record<string, unknown>, `${prefix}${key}.`)
      : [`${prefix}${key}`],
  );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory())
      return name === "__tests__" || name === "locales" ? [] : sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith(".gen.ts") ? [path] : [];
  });
}

const root = join(import.meta.dirname, "..", "..");
const source = sourceFiles(root)
  .map((file) => readFileSync(file, "utf8"))
  .join("\n");

describe("translation files", () => {
  for (const [language, namespaces] of Object.entries(resources)) {
    if (language === defaultLanguage) continue;
    const expected =
      language in languages && !languages[language as keyof typeof languages].workspace
        ? Object.keys(reference).filter((ns) => ARABIC_NAMESPACES.includes(ns))
        : Object.keys(reference);
    for (const namespace of expected) {
      it(`${language}/${namespace}.json has exactly the keys of ${defaultLanguage}/${namespace}.json`, () => {
        expect(namespaces[namespace], `${language}/${namespace}.json is missing`).toBeDefined();
        expect(flatten(namespaces[namespace]!).sort()).toEqual(flatten(reference[namespace]!).sort());
      });
    }
    it(`${language} has no namespace that ${defaultLanguage} lacks`, () => {
      expect(Object.keys(namespaces).filter((ns) => !(ns in reference))).toEqual([]);
    });
  }

  it("every language of the workspace declares its writing direction", () => {
    expect(languages.ar.dir).toBe("rtl");
    expect(languages.fr.dir).toBe("ltr");
    expect(languages.en.dir).toBe("ltr");
  });

  // French sets a no-break space before : ; ! ? and inside « » (Intl does the same inside its numbers): with a plain one
  // the browser may wrap before the sign, as "factures" / ": 38" on the collections aging chart did.
  // Read from the files: the landing's texts are loaded by its own chunk, outside allLocaleResources.
  const frenchDir = join(import.meta.dirname, "..", "fr");
  for (const file of readdirSync(frenchDir)) {
    const namespace = file.replace(/\.json$/, "");
    const tree: unknown = JSON.parse(readFileSync(join(frenchDir, file), "utf8"));
    it(`fr/${namespace}.json never leaves : ; ! ? » after a plain space, « before one, or : ; ! ? glued to the word`, () => {
      const texts = (node: unknown): string[] =>
        typeof node === "string" ? [node] : Object.values(node as Record<string, unknown>).flatMap(texts);
      const wrong = texts(tree).filter((text) => / [:;!?»]|« |[\p{L}\p{N}}][:;!?](?=\s|$)/u.test(text));
      expect(wrong).toEqual([]);
    });
  }

  for (const [namespace, tree] of Object.entries(reference)) {
    it(`every key of ${namespace} is used by the source`, () => {
      const dynamic = [...(DYNAMIC_FAMILIES[namespace] ?? []), ...(EXTRA_DYNAMIC[namespace] ?? [])];
      const unused = flatten(tree).filter((flat) => {
        if (dynamic.some((prefix) => flat.startsWith(prefix))) return false;
        const quoted = [...new Set([flat, flat.replace(PLURAL, "")])].flatMap((key) => [
          `"${key}"`,
          `'${key}'`,
          `\`${key}\``,
          `"${namespace}:${key}"`,
          `\`${namespace}:${key}\``,
        ]);
        return !quoted.some((literal) => source.includes(literal));
      });
      expect(unused).toEqual([]);
    });
  }

  // "Ce client a 1 contrats…" was seen on the provisioning chooser: a sentence about a count needs its plural
  // forms. A count after a colon is a figure in a label ("factures : 3"), which needs none.
  for (const language of ["fr", "en"] as const) {
    it(`every ${language} sentence about a {{count}} has its plural forms`, () => {
      const missing = Object.entries(resources[language]!).flatMap(([namespace, tree]) =>
        flatten(tree)
          .filter((key) => !PLURAL.test(key))
          .filter((key) => {
            const text = key
              .split(".")
              .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], tree);
            return typeof text === "string" && /(?<!: ){{count}}/.test(text);
          })
          .map((key) => `${namespace}:${key}`),
      );
      expect(missing).toEqual([]);
    });
  }
});
