/**
 * The order of a sort run's rows by key, then line, without a comparator on the common path.
 *
 * A comparator sort of row indices calls back into JavaScript for every comparison: with it, the
 * sort phase of the shuffled 1 M delivery took 10.8 s with one thread, and 7.5 s with this
 * (bench/results.md, "Unsorted deliveries: the order of a run without a comparator"). Each row
 * becomes one 64-bit number, the first characters of its key after the prefix every key shares,
 * in as few bits as their alphabet needs, above its index; V8 sorts a `BigUint64Array` natively.
 * Rows whose numbers tie, because a key is longer than the number holds or the lines do not
 * follow the indices, are put in order by the comparator among themselves.
 *
 * @module
 */

/** Order by key (UTF-16 code units, as `<` compares strings), then by line. */
function compareAt(
  keys: readonly string[],
  lines: readonly number[],
): (a: number, b: number) => number {
  return (a, b) =>
    keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : lines[a] - lines[b];
}

/**
 * The indices of `keys` (and their `lines`) in key-then-line order: `order[k]` is the row at
 * place `k`. The same order as sorting the indices with `(a, b) => keys[a] < keys[b] ? -1 :
 * keys[a] > keys[b] ? 1 : lines[a] - lines[b]`.
 */
export function keyThenLineOrder(
  keys: readonly string[],
  lines: readonly number[],
): number[] {
  const n = keys.length;
  const indexBits = Math.max(1, Math.ceil(Math.log2(n + 1)));
  if (n < 2 || indexBits > 31) {
    return Array.from({ length: n }, (_, i) => i).sort(compareAt(keys, lines));
  }
  // The prefix every key shares is that of the least and the greatest.
  let least = keys[0];
  let most = keys[0];
  for (let i = 1; i < n; i++) {
    const key = keys[i];
    if (key < least) least = key;
    else if (key > most) most = key;
  }
  let shared = 0;
  while (
    shared < least.length &&
    least.charCodeAt(shared) === most.charCodeAt(shared)
  )
    shared++;
  // The alphabet after it: digit 0 ends a key, 1 + c − low is code unit c.
  let low = 0xffff;
  let high = 0;
  let longest = 0;
  let linesFollowIndices = true;
  for (let i = 0; i < n; i++) {
    const key = keys[i];
    if (key.length - shared > longest) longest = key.length - shared;
    for (let j = shared; j < key.length; j++) {
      const c = key.charCodeAt(j);
      if (c < low) low = c;
      if (c > high) high = c;
    }
    if (i > 0 && lines[i] <= lines[i - 1]) linesFollowIndices = false;
  }
  const radix = longest === 0 ? 2 : high - low + 2;
  // As many digits as fit below the index, in a double's exact integers.
  const limit = 2 ** Math.min(64 - indexBits, 53);
  let digits = 0;
  for (let span = radix; span <= limit && digits < longest; span *= radix)
    digits++;
  const lowWordKeyScale = 2 ** (32 - indexBits);
  const indexScale = 2 ** indexBits;
  const packed = new BigUint64Array(n);
  // the two 32-bit words of each number (which is the low one follows the byte order)
  const words = new Uint32Array(packed.buffer);
  const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  const lowAt = littleEndian ? 0 : 1;
  const highAt = 1 - lowAt;
  let truncated = false;
  for (let i = 0; i < n; i++) {
    const key = keys[i];
    if (key.length - shared > digits) truncated = true;
    let value = 0;
    for (let d = 0, j = shared; d < digits; d++, j++)
      value =
        value * radix + (j < key.length ? key.charCodeAt(j) - low + 1 : 0);
    const lowPart = value % lowWordKeyScale;
    words[2 * i + highAt] = (value - lowPart) / lowWordKeyScale;
    words[2 * i + lowAt] = lowPart * indexScale + i;
  }
  packed.sort();
  const indexMask = indexScale - 1;
  const order: number[] = new Array<number>(n);
  for (let k = 0; k < n; k++) order[k] = words[2 * k + lowAt] & indexMask;
  if (!truncated && linesFollowIndices) return order;
  // Rows whose numbers tie: equal keys as far as the numbers go.
  const compare = compareAt(keys, lines);
  let from = 0;
  for (let k = 1; k <= n; k++) {
    if (
      k < n &&
      words[2 * k + highAt] === words[2 * from + highAt] &&
      words[2 * k + lowAt] - (words[2 * k + lowAt] & indexMask) ===
        words[2 * from + lowAt] - (words[2 * from + lowAt] & indexMask)
    )
      continue;
    if (k - from > 1) {
      const tied = order.slice(from, k).sort(compare);
      for (let t = 0; t < tied.length; t++) order[from + t] = tied[t];
    }
    from = k;
  }
  return order;
}
