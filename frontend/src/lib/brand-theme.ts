import { darken, type CSSVariablesResolver, type MantineColorsTuple } from "@mantine/core";

/**
 * The operator's brand blue, shared by the workspace and /landing. Shade 8 on white is 7.9:1 and white text
 * on shade 8 passes WCAG AA, where Mantine's default shade 6 does not (3.4:1 for blue): every primary
 * surface uses shade 8.
 */
export const brand: MantineColorsTuple = [
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

/** Above this luminance a filled surface gets dark text (Mantine's autoContrast), for both themes. */
export const LUMINANCE_THRESHOLD = 0.4;

/**
 * Contrast fixes Mantine's defaults need for WCAG AA (axe checks every page in the e2e run): the "light"
 * variant (status and upgrade / downgrade badges) writes shade 9 on a 10 % tint, 4.0:1 for green and
 * orange, so its text is darkened a quarter. `dark` adds the scheme's own fixes.
 */
export function contrastResolver(dark: Record<string, string> = {}): CSSVariablesResolver {
  return (resolved) => ({
    variables: {},
    light: Object.fromEntries(
      Object.entries(resolved.colors).map(([name, shades]) => [
        `--mantine-color-${name}-light-color`,
        darken(shades[9], 0.25),
      ]),
    ),
    dark,
  });
}
