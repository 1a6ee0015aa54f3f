/**
 * `/v1/refunds` (create for a charge or a PaymentIntent, retrieve, update metadata, cancel,
 * list) and `/v1/charges/:charge/refunds`.
 */
import type { RefundRecord } from '../billing/charges.ts';
import { cancelRefund, createRefund } from '../billing/refunds.ts';
import { resourceMissing } from '../errors.ts';
import { mergeMetadata } from '../form.ts';
import type { Route } from '../router.ts';
import { createdFilter } from '../world.ts';
import { applyChanges, pathId } from './common.ts';

const REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;

/** The `/v1/refunds` and `/v1/charges/:charge/refunds` routes. */
export function refundRoutes(): Route[] {
  return [
    {
      method: 'POST',
      path: '/v1/refunds',
      handle: ({ world, params }) => {
        const charge = params.string('charge');
        const paymentIntent = params.string('payment_intent');
        const amount = params.integer('amount', { min: 1 });
        const reason = params.enum('reason', REASONS);
        const metadata = params.metadata();
        params.done();
        return createRefund(world, {
          ...(charge === undefined ? {} : { charge }),
          ...(paymentIntent === undefined ? {} : { paymentIntent }),
          ...(amount === undefined ? {} : { amount }),
          reason: reason ?? null,
          metadata: mergeMetadata({}, metadata),
        });
      },
    },
    {
      method: 'GET',
      path: '/v1/refunds/:id',
      handle: (request) => {
        request.params.done();
        return request.world.get('refund', pathId(request));
      },
    },
    {
      method: 'POST',
      path: '/v1/refunds/:id',
      handle: (request) => {
        const { world, params } = request;
        const refund = world.get<RefundRecord>('refund', pathId(request));
        const metadata = params.metadata();
        params.done();
        const previous = applyChanges(
          world,
          refund,
          {
            metadata:
              metadata === undefined ? undefined : mergeMetadata(refund.metadata ?? {}, metadata),
          },
          'refund.updated',
        );
        if (Object.keys(previous).length > 0) world.emit('charge.refund.updated', refund, previous);
        return refund;
      },
    },
    {
      method: 'POST',
      path: '/v1/refunds/:id/cancel',
      handle: (request) => {
        request.params.done();
        const refund = request.world.get<RefundRecord>('refund', pathId(request));
        cancelRefund(request.world, refund);
        return refund;
      },
    },
    {
      method: 'GET',
      path: '/v1/refunds',
      handle: ({ world, params }) => {
        const charge = params.string('charge');
        const paymentIntent = params.string('payment_intent');
        const created = createdFilter(params);
        const items = world
          .all<RefundRecord>('refund')
          .filter(
            (r) =>
              (charge === undefined || r.charge === charge) &&
              (paymentIntent === undefined || r.payment_intent === paymentIntent) &&
              created(r.created),
          );
        const list = world.paginate(items, params, '/v1/refunds');
        params.done();
        return list;
      },
    },
    {
      method: 'GET',
      path: '/v1/charges/:charge/refunds',
      handle: (request) => {
        const { world, params } = request;
        const charge = world.get('charge', pathId(request, 'charge'), { param: 'charge' });
        const items = world.all<RefundRecord>('refund').filter((r) => r.charge === charge.id);
        const list = world.paginate(items, params, `/v1/charges/${charge.id}/refunds`);
        params.done();
        return list;
      },
    },
    {
      method: 'GET',
      path: '/v1/charges/:charge/refunds/:id',
      handle: (request) => {
        request.params.done();
        const charge = request.world.get('charge', pathId(request, 'charge'), { param: 'charge' });
        const refund = request.world.get<RefundRecord>('refund', pathId(request));
        if (refund.charge !== charge.id) throw resourceMissing('refund', refund.id);
        return refund;
      },
    },
  ];
}
