import { createTheme } from "@mantine/core";
import { brand, contrastResolver, LUMINANCE_THRESHOLD } from "@/lib/brand-theme";

/** Phone-first tokens: inputs and buttons at least 44 px high (touch targets). */
export const landingTheme = createTheme({
  primaryColor: "brand",
  primaryShade: 8,
  colors: { brand },
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans Arabic Variable", "Helvetica Neue", Arial, sans-serif',
  headings: { fontWeight: "650" },
  defaultRadius: "md",
  cursorType: "pointer",
  focusRing: "auto",
  autoContrast: true,
  luminanceThreshold: LUMINANCE_THRESHOLD,
  components: {
    Button: { defaultProps: { size: "md" }, styles: { root: { minHeight: 44 } } },
    TextInput: { defaultProps: { size: "md" } },
    Checkbox: { defaultProps: { size: "md" } },
    Radio: { defaultProps: { size: "md" } },
  },
});

// The landing is light only; its upgrade / downgrade badges use the shared light-variant fix.
export const landingCssVariablesResolver = contrastResolver();
