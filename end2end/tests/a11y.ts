import AxeBuilder from "@axe-core/playwright";
import { type Page } from "@playwright/test";

/** The rules checked: WCAG 2.0 and 2.1, levels A and AA. */
const WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/**
 * Rules not held against the pages, each with its reason. Empty: every page passes every
 * WCAG 2.1 AA rule axe-core checks.
 */
export const EXCEPTIONS: Record<string, string> = {};

/**
 * What axe-core finds wrong with the page as shown, in the light theme and (colour contrast
 * only, the rest does not change with the theme) in the dark one: one line per rule, naming up
 * to three elements.
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  const problems: string[] = [];
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const builder =
      scheme === "light"
        ? new AxeBuilder({ page }).withTags(WCAG_AA).disableRules(Object.keys(EXCEPTIONS))
        : new AxeBuilder({ page }).withRules(["color-contrast"]);
    const results = await builder.analyze();
    for (const violation of results.violations) {
      const where = violation.nodes
        .slice(0, 3)
        .map((node) => node.target.join(" "))
        .join(", ");
      problems.push(`${scheme}: ${violation.id} (${violation.impact}) at ${where}: ${violation.help}`);
    }
  }
  await page.emulateMedia({ colorScheme: null });
  return problems;
}
