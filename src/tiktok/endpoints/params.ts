/** Checks on caller-supplied request parameters (bugs caught before a request is spent). */

/** Epoch seconds below this are 1970s dates; above the next bound they are milliseconds. */
const MIN_EPOCH_S = 1e9;
const MAX_EPOCH_S = 1e11;

/**
 * An epoch-SECONDS bound (docs/tiktok-api.md#seller-orders create_time_ge/lt are int seconds). Milliseconds are the
 * classic mix-up (docs/tiktok-api.md#field-conventions has both), so they are rejected with a clear message.
 */
export function epochSeconds(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < MIN_EPOCH_S || value >= MAX_EPOCH_S) {
    throw new RangeError(`${name} must be integer epoch seconds, got ${value}`);
  }
  return value;
}

/** The create-time window body of the order searches (docs/tiktok-api.md#seller-orders, docs/tiktok-api.md#creator-orders: ge inclusive, lt exclusive). */
export function createTimeBody(params: {
  createTimeGe?: number | undefined;
  createTimeLt?: number | undefined;
}): {
  create_time_ge: number | undefined;
  create_time_lt: number | undefined;
} {
  return {
    create_time_ge: epochSeconds('createTimeGe', params.createTimeGe),
    create_time_lt: epochSeconds('createTimeLt', params.createTimeLt),
  };
}
