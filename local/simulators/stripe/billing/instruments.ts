/**
 * Stripe's test payment instruments: the test cards behind `pm_card_…` / `tok_…` tokens (and
 * how each declines), and the test bank accounts of ACH Direct Debit (how each settles), as in
 * https://docs.stripe.com/testing. A card's behaviour follows its last four digits and a bank
 * account's its account number, so a payment method behaves the same however it was made.
 */
import type Stripe from 'stripe';
import { STRIPE_ERROR_TYPES, StripeApiError } from '../errors.ts';
import { usBankAccountPaymentMethodShape } from '../shapes/bank-accounts.ts';
import { paymentMethodShape } from '../shapes/platform.ts';
import { newId, type StripeRecord, type World } from '../world.ts';

/** A failure as Stripe reports it: the error code, the decline code (cards) and the message. */
export interface PaymentFailure {
  code: string;
  declineCode?: string;
  message: string;
}

interface TestCard {
  brand: string;
  displayBrand?: string;
  last4: string;
  funding?: 'credit' | 'debit' | 'prepaid';
}

/** `pm_card_<name>` and `tok_<name>`. */
const TEST_CARDS: Record<string, TestCard> = {
  visa: { brand: 'visa', last4: '4242' },
  visa_debit: { brand: 'visa', last4: '5556', funding: 'debit' },
  mastercard: { brand: 'mastercard', last4: '4444' },
  mastercard_debit: { brand: 'mastercard', last4: '8210', funding: 'debit' },
  mastercard_prepaid: { brand: 'mastercard', last4: '5100', funding: 'prepaid' },
  amex: { brand: 'amex', displayBrand: 'american_express', last4: '0005' },
  discover: { brand: 'discover', last4: '1117' },
  chargeCustomerFail: { brand: 'visa', last4: '0341' },
  visa_chargeDeclined: { brand: 'visa', last4: '0002' },
  visa_chargeDeclinedInsufficientFunds: { brand: 'visa', last4: '9995' },
  visa_chargeDeclinedLostCard: { brand: 'visa', last4: '9987' },
  visa_chargeDeclinedStolenCard: { brand: 'visa', last4: '9979' },
  chargeDeclinedExpiredCard: { brand: 'visa', last4: '0069' },
  chargeDeclinedIncorrectCvc: { brand: 'visa', last4: '0127' },
  chargeDeclinedProcessingError: { brand: 'visa', last4: '0119' },
};

const DECLINED = 'Your card was declined.';

/** How each declining test card fails, by its last four digits. */
const CARD_DECLINES: Record<string, PaymentFailure> = {
  '0341': { code: 'card_declined', declineCode: 'generic_decline', message: DECLINED },
  '0002': { code: 'card_declined', declineCode: 'generic_decline', message: DECLINED },
  '9995': {
    code: 'card_declined',
    declineCode: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
  '9987': { code: 'card_declined', declineCode: 'lost_card', message: DECLINED },
  '9979': { code: 'card_declined', declineCode: 'stolen_card', message: DECLINED },
  '0069': { code: 'expired_card', declineCode: 'expired_card', message: 'Your card has expired.' },
  '0127': {
    code: 'incorrect_cvc',
    declineCode: 'incorrect_cvc',
    message: "Your card's security code is incorrect.",
  },
  '0119': {
    code: 'processing_error',
    declineCode: 'processing_error',
    message: 'An error occurred while processing your card. Try again in a little bit.',
  },
};

/** The test card that attaches to a customer and declines every charge afterwards. */
const DECLINES_ONLY_ON_CHARGE = '0341';

/** The routing number of Stripe's test bank. */
export const TEST_ROUTING_NUMBER = '110000000';

/** How each test bank account's debits fail, by account number (others succeed). */
const ACH_FAILURES: Record<string, PaymentFailure> = {
  '000111111116': { code: 'no_account', message: 'The bank account could not be located.' },
  '000111111113': {
    code: 'account_closed',
    message: "The customer's bank account has been closed.",
  },
  '000222222227': {
    code: 'insufficient_funds',
    message: "The customer's account has insufficient funds to cover this payment.",
  },
  '000333333335': {
    code: 'debit_not_authorized',
    message: 'The customer has notified their bank that this payment was unauthorized.',
  },
};

/** `pm_usBankAccount_<name>`: the documented bank account tokens. */
const TEST_BANK_ACCOUNTS: Record<string, string> = {
  success: '000123456789',
  noAccount: '000111111116',
  accountClosed: '000111111113',
  insufficientFunds: '000222222227',
  debitNotAuthorized: '000333333335',
};

/** The test card a `pm_card_…` or `tok_…` token names, if any. */
function testCardOf(tokenId: string): TestCard | undefined {
  const name = /^(?:pm_card_|tok_)(.+)$/.exec(tokenId)?.[1];
  if (name === undefined) return undefined;
  return TEST_CARDS[name] ?? TEST_CARDS[`visa_${name}`];
}

/** The account number behind a `pm_usBankAccount_<name>` token, if it is one. */
function testBankAccountOf(tokenId: string): string | undefined {
  const name = /^pm_usBankAccount_(.+)$/.exec(tokenId)?.[1];
  return name === undefined ? undefined : TEST_BANK_ACCOUNTS[name];
}

/** The type of payment method a test token makes (`card`, `us_bank_account`), if it is one. */
export function testTokenType(id: string): 'card' | 'us_bank_account' | undefined {
  if (testBankAccountOf(id) !== undefined) return 'us_bank_account';
  return testCardOf(id) === undefined ? undefined : 'card';
}

/** Whether `id` is one of Stripe's test tokens rather than an object id. */
export function isTestToken(id: string): boolean {
  return testTokenType(id) !== undefined;
}

/** Stores a new card payment method for a test card. */
function insertCard(world: World, card: TestCard, extra: CardExtras): StripeRecord {
  return world.insert(
    paymentMethodShape({
      id: newId('pm'),
      created: world.now(),
      card: {
        brand: card.brand,
        display_brand: card.displayBrand ?? card.brand,
        last4: card.last4,
        funding: card.funding ?? 'credit',
        networks: { available: [card.brand], preferred: null },
      },
      ...(extra.billingDetails ? { billing_details: extra.billingDetails } : {}),
      ...(extra.metadata ? { metadata: extra.metadata } : {}),
      ...(extra.allowRedisplay ? { allow_redisplay: extra.allowRedisplay } : {}),
    }),
  );
}

interface CardExtras {
  billingDetails?: Stripe.PaymentMethod.BillingDetails;
  metadata?: Record<string, string>;
  allowRedisplay?: Stripe.PaymentMethod.AllowRedisplay;
}

/** A new card payment method from a `tok_…` (or `pm_card_…`) token; undefined if it names none. */
export function createCardFromToken(
  world: World,
  tokenId: string,
  extra: CardExtras = {},
): StripeRecord | undefined {
  const card = testCardOf(tokenId);
  return card === undefined ? undefined : insertCard(world, card, extra);
}

/** A new bank account payment method from its details. */
export function createBankAccount(
  world: World,
  input: {
    accountNumber: string;
    routingNumber: string;
    accountHolderType?: 'individual' | 'company' | null;
    accountType?: 'checking' | 'savings' | null;
    billingDetails?: Stripe.PaymentMethod.BillingDetails;
    metadata?: Record<string, string>;
  },
): StripeRecord {
  return world.insert(
    usBankAccountPaymentMethodShape({ id: newId('pm'), created: world.now(), ...input }),
  );
}

/** A new payment method for a test token (`pm_card_visa`, `pm_usBankAccount_success`, …). */
export function createFromTestToken(world: World, tokenId: string): StripeRecord | undefined {
  const accountNumber = testBankAccountOf(tokenId);
  if (accountNumber !== undefined) {
    return createBankAccount(world, { accountNumber, routingNumber: TEST_ROUTING_NUMBER });
  }
  return createCardFromToken(world, tokenId);
}

/** How a charge to this card fails, or undefined if it succeeds. */
export function cardChargeFailure(paymentMethod: StripeRecord): PaymentFailure | undefined {
  const card = paymentMethod.card as Stripe.PaymentMethod.Card | undefined;
  return card ? CARD_DECLINES[card.last4] : undefined;
}

/** How attaching this card to a customer fails (Stripe checks the card), or undefined. */
export function cardAttachFailure(paymentMethod: StripeRecord): PaymentFailure | undefined {
  const card = paymentMethod.card as Stripe.PaymentMethod.Card | undefined;
  if (card === undefined || card.last4 === DECLINES_ONLY_ON_CHARGE) return undefined;
  return CARD_DECLINES[card.last4];
}

/** The fingerprint a bank account with these numbers has (it depends on the numbers only). */
function accountFingerprint(routingNumber: string, accountNumber: string): string | null {
  const shape = usBankAccountPaymentMethodShape({
    id: 'pm_',
    created: 0,
    accountNumber,
    routingNumber,
  });
  return shape.us_bank_account?.fingerprint ?? null;
}

/**
 * The failure a bank account payment method's debits get: that of the test account number it
 * was created with (found by the account's fingerprint, which is derived from the full account
 * and routing numbers), so a real account that merely ends in the same four digits succeeds.
 */
export function achFailureOf(paymentMethod: StripeRecord): PaymentFailure | undefined {
  const account = paymentMethod.us_bank_account as Stripe.PaymentMethod.UsBankAccount | undefined;
  if (!account?.fingerprint || !account.routing_number) return undefined;
  const { fingerprint, routing_number: routing } = account;
  const number = Object.keys(ACH_FAILURES).find(
    (n) => accountFingerprint(routing, n) === fingerprint,
  );
  return number === undefined ? undefined : ACH_FAILURES[number];
}

/** Payment methods that were detached or used without a customer: Stripe refuses to reuse them. */
function spentSet(world: World): Set<string> {
  return world.state('instruments.spent', () => new Set<string>());
}

/** Records that a payment method may not be used again (detached, or paid with and never attached). */
export function markPaymentMethodSpent(world: World, paymentMethodId: string): void {
  spentSet(world).add(paymentMethodId);
}

/** Whether a payment method was detached or used without a customer. */
export function isPaymentMethodSpent(world: World, paymentMethodId: string): boolean {
  return spentSet(world).has(paymentMethodId);
}

/** The payment method `idOrToken` names: a new one for a test token, else the stored one (404). */
export function resolvePaymentMethod(
  world: World,
  idOrToken: string,
  param = 'payment_method',
): StripeRecord {
  return (
    createFromTestToken(world, idOrToken) ??
    world.get('payment_method', idOrToken, { param, noun: 'PaymentMethod' })
  );
}

/** Stripe's 402 for a declined card: `{error: {type: 'card_error', code, decline_code, …}}`. */
export function cardError(
  failure: PaymentFailure,
  extra: Record<string, unknown> = {},
): StripeApiError {
  return new StripeApiError({
    status: 402,
    type: STRIPE_ERROR_TYPES.cardError,
    code: failure.code,
    message: failure.message,
    extra: { ...(failure.declineCode ? { decline_code: failure.declineCode } : {}), ...extra },
  });
}
