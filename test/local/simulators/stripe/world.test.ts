/**
 * The simulator's world on its own: background work that fails is reported through the `log`
 * option (and the world keeps working), modules keep private state per world, and events past
 * Stripe's 30-day retention are forgotten.
 */
import { describe, expect, it } from 'vitest';
import { WebhookSender } from '../../../../local/simulators/stripe/webhooks.ts';
import { EVENT_RETENTION_SECONDS, World } from '../../../../local/simulators/stripe/world.ts';

/** A world whose webhook sender has no endpoints, logging into `lines`. */
function world(lines: string[] = []) {
  return new World({ webhooks: new WebhookSender(), log: ({ message }) => lines.push(message) });
}

describe('later', () => {
  it('reports a failure through log and still runs the work queued after it', async () => {
    // Prepare
    const lines: string[] = [];
    const subject = world(lines);
    const ran: string[] = [];

    // Act
    subject.later(1, () => {
      throw new Error('settlement exploded');
    });
    subject.later(5, () => ran.push('next'));
    await new Promise((resolve) => setTimeout(resolve, 30));

    // Assess
    expect(lines).toEqual([
      expect.stringMatching(/^Stripe simulator background work failed: Error: settlement exploded/),
    ]);
    expect(ran).toEqual(['next']);
  });
});

describe('state', () => {
  it('makes a module’s state once per world, never shared between worlds', () => {
    // Prepare
    const [first, second] = [world(), world()];
    let made = 0;
    const spent = (w: World) =>
      w.state('test.spent', () => {
        made++;
        return new Set<string>();
      });

    // Act
    spent(first).add('pm_1');
    const again = spent(first);

    // Assess
    expect(again.has('pm_1')).toBe(true);
    expect(spent(second).has('pm_1')).toBe(false);
    expect(made).toBe(2);
  });
});

describe('events', () => {
  it('forgets an event past the 30-day retention once newer ones are emitted', () => {
    // Prepare
    let clock = 1_800_000_000;
    const subject = new World({ webhooks: new WebhookSender(), now: () => clock });
    const customer = { id: 'cus_retention', object: 'customer' };
    const old = subject.emit('customer.created', customer);
    clock += EVENT_RETENTION_SECONDS;
    const lastDay = subject.emit('customer.updated', customer);

    // Act
    clock += 1;
    const recent = subject.emit('customer.updated', customer);

    // Assess
    expect(subject.allEvents().map((e) => e.id)).toEqual([lastDay.id, recent.id]);
    expect(subject.find(old.id)).toBeUndefined();
    expect(subject.find(lastDay.id)).toBe(lastDay);
  });
});
