import { describe, expect, it } from "vitest";
import { createI18n, namespaces } from "@/lib/i18n";

describe("the workspace's texts", () => {
  it("loads only the chosen language, the other one when the operator switches, never the landing's", async () => {
    const { instance, ready } = createI18n("en");
    await ready;
    expect(namespaces).toContain("common");
    expect(namespaces).not.toContain("landing");
    for (const namespace of namespaces) expect(instance.hasResourceBundle("en", namespace)).toBe(true);
    expect(instance.hasResourceBundle("fr", "common")).toBe(false);
    expect(instance.t("client_picker.no_client")).not.toBe("client_picker.no_client");

    await instance.changeLanguage("fr");
    expect(instance.hasResourceBundle("fr", "common")).toBe(true);
    expect(instance.hasResourceBundle("en", "landing")).toBe(false);
    expect(document.documentElement.lang).toBe("fr");
  });
});
