/** Every scenario, in the order `--list` shows them. */

import { lineDiscount, refundWithCreditNote, voidedInvoice } from './invoices.ts';
import { cancelAtPeriodEnd, clockRenewal, dunningRecovery, rampedDeal } from './lifecycles.ts';
import { achSignup, cardSignup, eurCustomer, upgradeWithProration } from './self-serve.ts';
import type { Scenario } from './types.ts';

export const SCENARIOS: readonly Scenario[] = [
  cardSignup,
  achSignup,
  upgradeWithProration,
  lineDiscount,
  rampedDeal,
  eurCustomer,
  refundWithCreditNote,
  dunningRecovery,
  voidedInvoice,
  cancelAtPeriodEnd,
  clockRenewal,
];

/** The scenario with this name, if there is one. */
export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
