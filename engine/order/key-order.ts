/**
 * Sorts an object's own keys in place, in the order `Array.prototype.sort()` gives strings (UTF-16
 * code units), without allocating: an insertion sort. The keys the sync sorts (a normalized order's
 * two dozen, a line's dozen) come nearly sorted, where it does about one comparison a key, while
 * the built-in sort copies the array into a work area on every call (a kilobyte an order in V8's
 * young generation).
 */
export function sortKeys(keys: string[]): string[] {
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    if (keys[j]! <= key) continue;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}
