/** Something a test file starts once for all its tests (a simulator, a schema), read through a handle. */
import { afterAll, beforeAll } from 'vitest';

/**
 * Runs `start` before the file's tests (`beforeAll`) and `stop` after them (`afterAll`; given
 * undefined when `start` failed, so it can still clean up what it knows of). The handle answers
 * each member from what `start` resolved with, read at access: in hooks registered after this
 * call and in tests. Read earlier it throws, naming `what`; members in `known` are readable at once.
 */
export function startedPerFile<T extends object>(options: {
  what: string;
  start: () => Promise<T>;
  stop: (started: T | undefined) => Promise<void>;
  known?: Partial<T>;
}): T {
  let started: T | undefined;
  beforeAll(async () => {
    started = await options.start();
  });
  afterAll(async () => {
    await options.stop(started);
  });
  return new Proxy({ ...options.known } as T, {
    get(known, member) {
      if (Object.hasOwn(known, member)) return Reflect.get(known, member);
      if (started === undefined) {
        throw new Error(`${options.what} is not started yet: use it in hooks and tests.`);
      }
      return Reflect.get(started, member);
    },
  });
}
