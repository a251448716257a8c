import { createTheme, darken, type CSSVariablesResolver, type MantineColorsTuple } from "@mantine/core";

// The operator's brand blue, shade 8 for every primary surface (7.9:1 on white, white text passes AA), as
// in the workspace theme; the landing keeps its own copy because it imports nothing from the workspace app.
const brand: MantineColorsTuple = [
  "#e8f1ff",
  "#d2e0fb",
  "#a4bff2",
  "#739ceb",
  "#4a7ee4",
  "#306be1",
  "#2161e0",
  "#1351c8",
  "#0847b3",
  "#003c9f",
];

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
  luminanceThreshold: 0.4,
  components: {
    Button: { defaultProps: { size: "md" }, styles: { root: { minHeight: 44 } } },
    TextInput: { defaultProps: { size: "md" } },
    Checkbox: { defaultProps: { size: "md" } },
    Radio: { defaultProps: { size: "md" } },
  },
});

/**
 * WCAG AA for the "light" variant (the upgrade / downgrade badges on the offer cards): Mantine writes shade 9
 * on a 10 % tint, 4.0:1 for green and orange, so the text is darkened a quarter (axe checks every step).
 */
export const landingCssVariablesResolver: CSSVariablesResolver = (resolved) => ({
  variables: {},
  light: Object.fromEntries(
    Object.entries(resolved.colors).map(([name, shades]) => [
      `--mantine-color-${name}-light-color`,
      darken(shades[9], 0.25),
    ]),
  ),
  dark: {},
});
