import { createTheme, mergeThemeOverrides, type MantineThemeOverride } from "@mantine/core";
import { brand, contrastResolver, LUMINANCE_THRESHOLD } from "@/lib/brand-theme";

/** The design-token layer: colours, spacing, radius and fonts come from here and nowhere else. */
export const theme = createTheme({
  primaryColor: "brand",
  primaryShade: { light: 8, dark: 8 },
  colors: { brand },
  fontFamily:
    'Inter, "Segoe UI", system-ui, -apple-system, Roboto, "Noto Sans", "Noto Sans Arabic", "Helvetica Neue", Arial, sans-serif',
  fontFamilyMonospace: '"JetBrains Mono", ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
  headings: { fontWeight: "650" },
  defaultRadius: "md",
  radius: { xs: "2px", sm: "4px", md: "8px", lg: "12px", xl: "16px" },
  spacing: { xs: "8px", sm: "12px", md: "16px", lg: "24px", xl: "32px" },
  cursorType: "pointer",
  focusRing: "auto",
  autoContrast: true,
  luminanceThreshold: LUMINANCE_THRESHOLD,
  other: { contentMaxWidth: 1600 },
});

// Links on the dark scheme use brand shade 3 (5.7:1 on the dark body) instead of shade 4 (4.0:1).
export const cssVariablesResolver = contrastResolver({
  "--mantine-color-anchor": "var(--mantine-color-brand-3)",
});

/**
 * The theme with the texts Mantine would otherwise leave out: its close buttons (dialogs, toasts) are bare
 * icons with no accessible name (axe button-name, critical, in every dialog), so they get one in the page's
 * language.
 */
export function localizedTheme(closeLabel: string): MantineThemeOverride {
  const closeButtonProps = { "aria-label": closeLabel, title: closeLabel };
  return mergeThemeOverrides(theme, {
    components: {
      Modal: { defaultProps: { closeButtonProps } },
      Drawer: { defaultProps: { closeButtonProps } },
      Notification: { defaultProps: { closeButtonProps } },
    },
  });
}
