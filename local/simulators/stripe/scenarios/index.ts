/** Every scenario, in the order `--list` shows them. */
import type { Scenario } from './types.ts';

export const SCENARIOS: readonly Scenario[] = [];

/** The scenario with this name, if there is one. */
export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
