const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Small whole numbers as people write them out ("two orders"). */
const numberWords = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
  'twenty',
];

/**
 * Whether `text` states `fact`: case-insensitive, hyphens read as spaces ("final-sale" says "final sale"),
 * as a whole word or number ("2" is not said by "O-1002", nor "14" by "140"), and a whole number up to
 * twenty also as its word ("two" says "2").
 */
export function saysFact(text: string, fact: string): boolean {
  const plain = (value: string) => value.replace(/-/g, ' ').trim().replace(/\s+/g, ' ').toLowerCase();
  const word = /^\d+$/.test(fact.trim()) ? numberWords[Number(fact.trim())] : undefined;
  // A number word must not be the end of a compound one ("twenty-two" does not say 2).
  const forms = [escapeRegExp(plain(fact)), ...(word ? [`(?<!ty )${word}`] : [])];
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}.])(?:${forms.join('|')})(?![\\p{L}\\p{N}]|\\.\\d)`, 'u');
  return pattern.test(plain(text));
}
