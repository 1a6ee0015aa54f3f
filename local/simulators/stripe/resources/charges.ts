/** `/v1/charges`: retrieve, update and list the charges PaymentIntents make. */
import type { ChargeRecord } from '../billing/charges.ts';
import { mergeMetadata } from '../form.ts';
import type { Route } from '../router.ts';
import { createdFilter } from '../world.ts';
import { applyChanges, pathId, retrieve } from './common.ts';

/** The `/v1/charges` routes; charges are made only by confirming PaymentIntents. */
export function chargeRoutes(): Route[] {
  return [
    { method: 'GET', path: '/v1/charges/:id', handle: retrieve('charge') },
    {
      method: 'POST',
      path: '/v1/charges/:id',
      handle: (request) => {
        const { world, params } = request;
        const charge = world.get<ChargeRecord>('charge', pathId(request));
        const description = params.string('description');
        const metadata = params.metadata();
        const receiptEmail = params.string('receipt_email');
        params.done();
        applyChanges(
          world,
          charge,
          {
            description: description === undefined ? undefined : description || null,
            metadata: metadata === undefined ? undefined : mergeMetadata(charge.metadata, metadata),
            receipt_email: receiptEmail === undefined ? undefined : receiptEmail || null,
          },
          'charge.updated',
        );
        return charge;
      },
    },
    {
      method: 'GET',
      path: '/v1/charges',
      handle: ({ world, params }) => {
        const customer = params.string('customer');
        const paymentIntent = params.string('payment_intent');
        const created = createdFilter(params);
        const items = world
          .all<ChargeRecord>('charge')
          .filter(
            (c) =>
              (customer === undefined || c.customer === customer) &&
              (paymentIntent === undefined || c.payment_intent === paymentIntent) &&
              created(c.created),
          );
        const list = world.paginate(items, params, '/v1/charges');
        params.done();
        return list;
      },
    },
  ];
}
