/**
 * The groeipad norm: the minimum share of IKBs that must meet the automated controls per year.
 *
 * Source: DNB, Beoordelingskader Beleidsregel IKB, hoofdstuk 3 "Normering 2020 – 2023: een
 * groeipad" (seed 001, the table of the groeipad: minimaal 60 / 80 / 90 / 95 % of the IKBs meets
 * the automated controls in 2020 / 2021 / 2022 / 2023; the target of 100 % from 2024). Used when
 * no compiled groeipad ruleset provides the norm.
 *
 * @module
 */

export const GROEIPAD_SOURCE =
  "Beoordelingskader Beleidsregel IKB, hoofdstuk 3";

const TABLE: Readonly<Record<number, number>> = {
  2020: 60,
  2021: 80,
  2022: 90,
  2023: 95,
};

/** The norm (percent) for the year of the RRD, or undefined before the groeipad started. */
export function groeipadNorm(year: number): number | undefined {
  if (year >= 2024) return 100;
  return TABLE[year];
}
