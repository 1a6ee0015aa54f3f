/**
 * `/v1/events` (list with `created`, `type` with `*` wildcards, `types[]`, pagination; only the
 * last 30 days, as on Stripe) and `/v1/webhook_endpoints`, whose secret is shown only on create.
 * Webhook endpoints emit no events: Stripe has no `webhook_endpoint.*` event types.
 */
import { invalidParam, resourceMissing } from '../errors.ts';
import { mergeMetadata } from '../form.ts';
import type { Route } from '../router.ts';
import { newWebhookSecret } from '../secrets.ts';
import { endpointWants } from '../webhooks.ts';
import { createdFilter, EVENT_RETENTION_SECONDS } from '../world.ts';
import { deletedObject, pathId, retrieve } from './common.ts';

/** Stripe's 400 for an endpoint URL that is not http(s). */
function checkUrl(url: string | undefined): void {
  if (url === undefined || /^https?:\/\//.test(url)) return;
  throw invalidParam(
    'url',
    'Invalid URL: URL must be publicly accessible and use http(s).',
    'url_invalid',
  );
}

function typeMatches(pattern: string, type: string): boolean {
  return endpointWants([pattern], type);
}

/** Events and webhook endpoints. */
export function eventRoutes(): Route[] {
  return [
    {
      method: 'GET',
      path: '/v1/events',
      handle: ({ world, params }) => {
        const type = params.string('type');
        const types = params.strings('types');
        if (type !== undefined && types !== undefined) {
          throw invalidParam('types', 'You may only specify one of these parameters: type, types.');
        }
        const created = createdFilter(params);
        const list = world.paginate(
          world
            .events()
            .filter(
              (e) =>
                created(e.created as number) &&
                (type === undefined || typeMatches(type, e.type as string)) &&
                (types === undefined || types.some((t) => typeMatches(t, e.type as string))),
            ),
          params,
          '/v1/events',
        );
        params.done();
        return list;
      },
    },
    {
      method: 'GET',
      path: '/v1/events/:id',
      handle: (request) => {
        request.params.done();
        const id = pathId(request);
        const event = request.world.get('event', id);
        if ((event.created as number) < request.world.now() - EVENT_RETENTION_SECONDS) {
          throw resourceMissing('event', id);
        }
        return event;
      },
    },
    {
      method: 'POST',
      path: '/v1/webhook_endpoints',
      handle: ({ world, params }) => {
        const url = params.requiredString('url');
        const enabledEvents = params.strings('enabled_events');
        if (enabledEvents === undefined)
          throw invalidParam(
            'enabled_events',
            'Missing required param: enabled_events.',
            'parameter_missing',
          );
        const description = params.string('description');
        params.string('api_version');
        params.done();
        checkUrl(url);
        const secret = newWebhookSecret();
        const endpoint = world.addWebhookEndpoint({
          url,
          secret,
          enabledEvents,
          ...(description === undefined ? {} : { description }),
        });
        return { ...endpoint, secret };
      },
    },
    {
      method: 'GET',
      path: '/v1/webhook_endpoints/:id',
      handle: retrieve('webhook_endpoint', 'webhook endpoint'),
    },
    {
      method: 'POST',
      path: '/v1/webhook_endpoints/:id',
      handle: (request) => {
        const { world, params } = request;
        const endpoint = world.get('webhook_endpoint', pathId(request), {
          noun: 'webhook endpoint',
        });
        const url = params.string('url');
        const enabledEvents = params.strings('enabled_events');
        const disabled = params.boolean('disabled');
        const metadata = params.metadata();
        const description = params.string('description');
        params.done();
        checkUrl(url);
        // Stripe has no `webhook_endpoint.updated` event: the change is applied silently.
        const changes: Record<string, unknown> = {
          url,
          enabled_events: enabledEvents,
          status: disabled === undefined ? undefined : disabled ? 'disabled' : 'enabled',
          metadata:
            metadata === undefined
              ? undefined
              : mergeMetadata(endpoint.metadata as Record<string, string>, metadata),
          description,
        };
        for (const [field, value] of Object.entries(changes)) {
          if (value !== undefined) endpoint[field] = value;
        }
        world.syncWebhookEndpoint(endpoint);
        return endpoint;
      },
    },
    {
      method: 'DELETE',
      path: '/v1/webhook_endpoints/:id',
      handle: (request) => {
        request.params.done();
        const endpoint = request.world.get('webhook_endpoint', pathId(request), {
          noun: 'webhook endpoint',
        });
        endpoint.deleted = true;
        request.world.syncWebhookEndpoint(endpoint);
        return deletedObject(endpoint);
      },
    },
    {
      method: 'GET',
      path: '/v1/webhook_endpoints',
      handle: ({ world, params }) => {
        const list = world.paginate(world.all('webhook_endpoint'), params, '/v1/webhook_endpoints');
        params.done();
        return list;
      },
    },
  ];
}
