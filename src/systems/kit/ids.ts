/** Record ids that go into URL paths. */

/** A numeric id as a path segment: anything but digits is refused before it reaches a URL. */
export function numericId(value: string | number, system: string): string {
  const s = String(value);
  if (!/^\d+$/.test(s)) throw new TypeError(`not a ${system} id: ${s.slice(0, 40)}`);
  return s;
}
