import { describe, expect, it } from 'vitest';
import { mapEvent } from '../../../../shared/connectors/warehouse/mapping.ts';
import { type Candidate, planObjects } from '../../../../shared/connectors/warehouse/plan.ts';
import type { StoredVersion } from '../../../../shared/connectors/warehouse/stored-versions.ts';
import { buildEvent, openapiObject } from '../../../support/stripe.ts';

function candidate(created: number, options: { refetch?: boolean; id?: string } = {}): Candidate {
  const customer = openapiObject('customer');
  customer.id = options.id ?? 'cus_plan';
  const event = buildEvent({ type: 'customer.updated', object: customer, created });
  return { entry: { event, refetch: options.refetch ?? false }, mapped: mapEvent(event) };
}

const stored = (eventCreated: number): Map<string, StoredVersion> =>
  new Map([['customers:cus_plan', { eventId: 'evt_stored', eventCreated }]]);

describe('planObjects', () => {
  it('takes the newest event of an object, without asking Stripe, when it is alone in its second', () => {
    // Prepare
    const older = candidate(100);
    const newer = candidate(101);

    // Act
    const [plan] = planObjects([newer, older], new Map());

    // Assess
    expect(plan?.chosen).toBe(newer);
    expect(plan?.members).toHaveLength(2);
    expect(plan).toMatchObject({
      table: 'customers',
      key: 'cus_plan',
      refetch: false,
      stale: false,
    });
  });

  it.each([
    [
      'two newest events share a second',
      [candidate(100), candidate(100)],
      new Map<string, StoredVersion>(),
    ],
    ['the stored row has the same second', [candidate(100)], stored(100)],
    [
      'the consumer asks for it',
      [candidate(100, { refetch: true })],
      new Map<string, StoredVersion>(),
    ],
  ])('re-reads from Stripe when %s', (_case, candidates, versions) => {
    // Act
    const [plan] = planObjects(candidates, versions);

    // Assess
    expect(plan?.refetch).toBe(true);
  });

  it('leaves an object alone when the stored row is newer than every event of the batch', () => {
    // Act
    const [plan] = planObjects([candidate(99)], stored(100));

    // Assess
    expect(plan?.stale).toBe(true);
  });

  it('plans each object on its own, and none for events without a model row', () => {
    // Prepare
    const charge = buildEvent({ type: 'charge.succeeded', object: openapiObject('charge') });
    const raw = { entry: { event: charge, refetch: false }, mapped: mapEvent(charge) };

    // Act
    const plans = planObjects(
      [candidate(1, { id: 'cus_a' }), candidate(1, { id: 'cus_b' }), raw],
      new Map(),
    );

    // Assess
    expect(plans.map((p) => [p.key, p.refetch])).toEqual([
      ['cus_a', false],
      ['cus_b', false],
    ]);
  });
});
