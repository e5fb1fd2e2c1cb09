/** True for object literals and `Object.create(null)` records: what a deep walk over JSON-like data may copy or rebuild (class instances keep their own encoding). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
