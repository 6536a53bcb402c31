/**
 * The results of a pass's ranges, each range a slice of the IKB key order run by one thread.
 *
 * @module
 */

/**
 * The values of `pending`, one per range in key order; when ranges fail, the failure of the first
 * range in key order, as one thread going through the keys would have met it. Whichever thread
 * fails first in time, the run stops with the same error: an IKB too large is the first such IKB
 * in key order, with any number of threads. A range after a failed one is not waited for.
 */
export async function inRangeOrder<T>(
  pending: readonly Promise<T>[],
): Promise<T[]> {
  // every promise settled from the start: a failure not yet awaited is not an unhandled rejection
  const settled = pending.map((p) =>
    p.then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    ),
  );
  const values: T[] = [];
  for (const next of settled) {
    const r = await next;
    if (!r.ok) throw r.error;
    values.push(r.value);
  }
  return values;
}
