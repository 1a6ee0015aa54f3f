/** What the catalog's resource modules share: currency parameters, lists, updates. */
import { invalidParam } from '../errors.ts';
import { mergeMetadata, type Params } from '../form.ts';
import type { SimRequest } from '../router.ts';
import { createdFilter, type StripeRecord, type World } from '../world.ts';
import { applyChanges, pathId } from './common.ts';

export function currencyOf(params: Params, key = 'currency'): string | undefined {
  const value = params.string(key);
  if (value !== undefined && !/^[a-zA-Z]{3}$/.test(value)) {
    throw invalidParam(
      key,
      `Invalid currency: ${value}. Stripe currently supports these currencies: usd, eur, gbp, …`,
    );
  }
  return value?.toLowerCase();
}

export function list(
  type: string,
  url: string,
  filter: (o: StripeRecord, p: Params) => (o: StripeRecord) => boolean = () => () => true,
) {
  return ({ world, params }: SimRequest) => {
    const created = createdFilter(params);
    const keep = filter({} as StripeRecord, params);
    const page = world.paginate(
      world.all(type).filter((o) => created(o.created as number) && keep(o)),
      params,
      url,
    );
    params.done();
    return page;
  };
}

export function activeFilter(_: StripeRecord, params: Params): (o: StripeRecord) => boolean {
  const active = params.boolean('active');
  return (o) => active === undefined || o.active === active;
}

export function update(
  type: string,
  read: (params: Params, current: StripeRecord, world: World) => Record<string, unknown>,
) {
  return (request: SimRequest) => {
    const object = request.world.get(type, pathId(request));
    const changes = read(request.params, object, request.world);
    request.params.done();
    applyChanges(request.world, object, changes, `${type}.updated`);
    return object;
  };
}

export function metadataChange(params: Params, current: StripeRecord) {
  const metadata = params.metadata();
  return metadata === undefined
    ? undefined
    : mergeMetadata(current.metadata as Record<string, string>, metadata);
}
