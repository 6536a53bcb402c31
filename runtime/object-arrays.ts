/**
 * Empty arrays that are already of the elements kind of an array of objects, for the lists the
 * hot loops read (ARCHITECTURE.md, "Whatever reaches the hot loops has one shape"). An empty `[]`
 * holds small integers until its first object is stored, and a frozen one has a map of its own:
 * a loop optimized for the one kind is left again at the other.
 *
 * @module
 */

/** An empty packed array of objects: the kind of `[a, b]`, of `push`ed lists and of slices. */
export function emptyObjectArray<T>(): T[] {
  const list = [undefined] as unknown as T[];
  list.length = 0;
  return list;
}

/** An empty holey array of objects: the kind `new Array(n)` has once an object is stored in it. */
export function emptyHoleyObjectArray<T>(): T[] {
  const list = new Array<unknown>(1);
  list[0] = list;
  list.length = 0;
  return list as T[];
}
