/**
 * The message a connector queue carries: the event itself, or a pointer to its payload in S3
 * when the event is too large for one SQS message. Consumers never see the difference:
 * {@link PayloadStore.resolve} turns either into the event.
 */
import type { ConnectorName } from '../connectors.ts';
import { PermanentError } from '../errors.ts';
import type { StripeEvent } from '../events/types.ts';
import type { PayloadRef } from '../ledger/records.ts';

export const MESSAGE_VERSION = 1;

interface MessageBase {
  v: typeof MESSAGE_VERSION;
  connector: ConnectorName;
  eventId: string;
  type: string;
  created: number;
}

export type ConnectorMessage =
  | (MessageBase & { event: StripeEvent })
  | (MessageBase & { payloadRef: PayloadRef });

/** Parses a queue message body, refusing anything this version of the hub did not write. */
export function parseConnectorMessage(body: string): ConnectorMessage {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (cause) {
    throw new PermanentError(
      'The queue message is not JSON: only the Switchyard ingress should write to connector queues.',
      { cause },
    );
  }
  const m = value as Partial<ConnectorMessage> | null;
  if (
    typeof m !== 'object' ||
    m === null ||
    m.v !== MESSAGE_VERSION ||
    typeof m.eventId !== 'string' ||
    typeof m.connector !== 'string' ||
    !('event' in m || 'payloadRef' in m)
  ) {
    throw new PermanentError(
      `The queue message is not a Switchyard v${MESSAGE_VERSION} connector message: only the Switchyard ingress should write to connector queues.`,
    );
  }
  return m as ConnectorMessage;
}
