const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether `text` states `fact`: case-insensitive, hyphens read as spaces ("final-sale" says "final sale"),
 * and as a whole word or number ("2" is not said by "O-1002", nor "14" by "140").
 */
export function saysFact(text: string, fact: string): boolean {
  const plain = (value: string) => value.replace(/-/g, ' ').trim().replace(/\s+/g, ' ').toLowerCase();
  const pattern = new RegExp(
    `(?<![\\p{L}\\p{N}.])${escapeRegExp(plain(fact))}(?![\\p{L}\\p{N}]|\\.\\d)`,
    'u',
  );
  return pattern.test(plain(text));
}
