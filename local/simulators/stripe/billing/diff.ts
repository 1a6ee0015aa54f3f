/** `previous_attributes`: what changed in an object since a snapshot taken before a change. */
import type { StripeRecord, World } from '../world.ts';

/** The old values of every top-level field that differs between `before` and `object`. */
export function changedSince(before: StripeRecord, object: StripeRecord): Record<string, unknown> {
  const previous: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(object)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(object[key]))
      previous[key] = before[key] ?? null;
  }
  return previous;
}

/** Emits `type` with the fields changed since `before`, if anything changed. */
export function emitChanges(
  world: World,
  type: string,
  object: StripeRecord,
  before: StripeRecord,
): void {
  const previous = changedSince(before, object);
  if (Object.keys(previous).length > 0) world.emit(type, object, previous);
}
