/**
 * Something a test file starts once for all its tests (a sandbox, a stack, a server): started in beforeAll,
 * stopped in afterAll, and named at load time by an accessor (or a view) that works inside the tests.
 */

/** Registers the hooks; the function returns the started value (it throws before beforeAll has run). */
export function startForFile<T>(
  what: string,
  start: () => Promise<T>,
  stop: (started: T) => Promise<void>,
): () => T {
  let started: T | undefined;
  beforeAll(async () => {
    started = await start();
  });
  afterAll(async () => {
    if (started !== undefined) await stop(started);
  });
  return () => {
    if (started === undefined) throw new Error(`${what} is not started (use it inside a test)`);
    return started;
  };
}

/**
 * An object whose properties are read from `current()` when used, so a file can name it at load time;
 * properties of `extras` are its own.
 */
export function viewOf<T extends object, E extends object>(current: () => T, extras: E): T & E {
  return new Proxy(extras, {
    get: (target, prop) => (prop in target ? Reflect.get(target, prop) : Reflect.get(current(), prop)),
  }) as T & E;
}
