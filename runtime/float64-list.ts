/**
 * Growable lists of numbers in a `Float64Array`: the whole-file checks' rows (runtime/whole-file.ts)
 * and, through {@link grownFloat64} and {@link appendedFloat64}, the key sets' hashes
 * (runtime/key-set.ts `HashSet53`).
 *
 * @module
 */

/**
 * The first `n` numbers of `data` in a new array with room for at least `more` after them: the one
 * growth step of every growable list of numbers here. Room not yet written costs no memory.
 */
export function grownFloat64(
  data: Float64Array<ArrayBufferLike>,
  n: number,
  more: number,
): Float64Array<ArrayBuffer> {
  const bigger = new Float64Array(n + more);
  bigger.set(data.subarray(0, n));
  return bigger;
}

/**
 * `data` with `xs` written after its first `n` numbers: `data` itself when it has the room, else
 * a copy grown once, by at least as much again (so that many small appends copy little).
 */
export function appendedFloat64<B extends ArrayBufferLike>(
  data: Float64Array<B>,
  n: number,
  xs: Float64Array,
): Float64Array<B | ArrayBuffer> {
  const out: Float64Array<B | ArrayBuffer> =
    n + xs.length > data.length
      ? grownFloat64(data, n, Math.max(data.length, xs.length))
      : data;
  out.set(xs, n);
  return out;
}

/**
 * How much room a full list of `length` numbers grows by: as much again, and at least 1024 (a
 * list whose buffer was given up has none, and doubling nothing would drop what is pushed next).
 */
export function doubling(length: number): number {
  return Math.max(length, 1024);
}

/** A growable `Float64Array`: `data[0..n)` are the numbers pushed. */
export class Float64List {
  data: Float64Array<ArrayBuffer> = new Float64Array(1024);
  n = 0;

  push(x: number): void {
    if (this.n === this.data.length)
      this.data = grownFloat64(this.data, this.n, doubling(this.data.length));
    this.data[this.n++] = x;
  }

  /** Push all of `xs` (one copy, the buffer grown at most once). */
  pushAll(xs: Float64Array): void {
    this.data = appendedFloat64(this.data, this.n, xs);
    this.n += xs.length;
  }

  /** Room for at least `more` numbers after those pushed (the buffer grown at most once). */
  reserve(more: number): void {
    if (this.n + more <= this.data.length) return;
    this.data = grownFloat64(this.data, this.n, more);
  }

  /** The numbers pushed, trimmed (the buffer is given up). */
  take(): Float64Array<ArrayBuffer> {
    const out = this.data.slice(0, this.n);
    this.data = new Float64Array(0);
    this.n = 0;
    return out;
  }
}
