/**
 * The words a person reads, in one place, for the server and the dashboard alike (the client
 * imports this file): field rules and their messages, durations, the name of a status page, and
 * the plain words API validation answers with instead of the validator's own text. No Node or
 * browser APIs here, so both sides can import it.
 */
import type { z } from 'zod';

/** Passwords (accounts and status pages): counted in characters at least, in UTF-8 bytes at most (bcrypt reads 72). */
export const PASSWORD = {
  minChars: 8,
  maxBytes: 72,
  hint: 'At least 8 characters (at most 72 bytes).',
  tooShort: 'Use at least 8 characters.',
  tooLong: 'Use at most 72 bytes: a letter with an accent counts as 2, an emoji as 4.',
} as const;

/** What is wrong with `value` as a password, or undefined when nothing is. */
export function passwordProblem(value: string): string | undefined {
  if ([...value].length < PASSWORD.minChars) return PASSWORD.tooShort;
  if (new TextEncoder().encode(value).length > PASSWORD.maxBytes) return PASSWORD.tooLong;
  return undefined;
}

/** The account form's fields, each said its own way. */
export const ACCOUNT = {
  name: 'Enter your name.',
  email: 'Enter your email address, like ada@example.com.',
  orgName: 'Enter a name for your organization.',
} as const;

/**
 * A span of time as people say it: "45 s", "3 min 20 s", "2 h 5 min", "3 d 4 h"; at least
 * "1 s", never "0 min" ("resolved after 1 s" reads right; "after 0 s" does not).
 */
export function duration(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return s % 60 ? `${min} min ${s % 60} s` : `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  return h % 24 ? `${Math.floor(h / 24)} d ${h % 24} h` : `${Math.floor(h / 24)} d`;
}

/** A status page's name as its heading, tab and feeds say it: "Acme status", and "Acme status" for a page already titled so. */
export function statusTitle(title: string): string {
  const t = title.trim();
  return /\bstatus$/i.test(t) ? t : `${t} status`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * What a field is told when a rule is broken, the same from the API (plainError below) and from
 * the dashboard's own checks before sending (the schema form, the monitor and channel forms).
 */
export const SAY = {
  required: 'Required.',
  text: 'Enter text here.',
  number: 'Enter a number.',
  wholeNumber: 'Enter a whole number.',
  yesNo: 'Choose yes or no.',
  list: 'Give a list here.',
  fields: 'Give a set of fields here.',
  format: 'This is not in the expected format.',
  notAccepted: 'This value is not accepted.',
  oneOf: (values?: readonly unknown[]) => (values?.length ? `Choose one of: ${values.map(String).join(', ')}.` : 'Choose one of the options.'),
  minChars: (n: number) => (n <= 1 ? 'Required.' : `Use at least ${plural(n, 'character')}.`),
  maxChars: (n: number) => `Use at most ${plural(n, 'character')}.`,
  min: (n: number, inclusive = true) => (inclusive ? `Use ${n} or more.` : `Use more than ${n}.`),
  max: (n: number, inclusive = true) => (inclusive ? `Use ${n} or less.` : `Use less than ${n}.`),
  minItems: (n: number) => (n <= 1 ? 'Choose at least one.' : `Choose at least ${n}.`),
  maxItems: (n: number) => `Use at most ${n}.`,
} as const;

const FORMATS: Record<string, string> = {
  email: 'Enter an email address, like ada@example.com.',
  url: 'Enter a full address, like https://example.com.',
  uuid: 'This is not a valid id.',
  datetime: 'Enter a date and time, like 2026-03-01T14:00:00Z.',
  date: 'Enter a date, like 2026-03-01.',
  ipv4: 'Enter an IPv4 address, like 192.0.2.1.',
  ipv6: 'Enter an IPv6 address, like 2001:db8::1.',
  hostname: 'Enter a host name, like example.com.',
};

const TYPES: Record<string, string> = {
  string: SAY.text,
  number: SAY.number,
  int: SAY.wholeNumber,
  boolean: SAY.yesNo,
  array: SAY.list,
  object: SAY.fields,
};

/** A zod issue as the fields of it this map reads (zod's raw issue types differ per code). */
interface Issue {
  code: string;
  input?: unknown;
  origin?: string;
  expected?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  format?: string;
  values?: readonly unknown[];
  keys?: readonly string[];
  divisor?: number | bigint;
}

function tooSmall(i: Issue): string {
  const n = Number(i.minimum);
  if (i.origin === 'string') return SAY.minChars(n);
  if (i.origin === 'array' || i.origin === 'set') return SAY.minItems(n);
  if (i.origin === 'date') return 'This date is too early.';
  return SAY.min(n, i.inclusive !== false);
}

function tooBig(i: Issue): string {
  const n = Number(i.maximum);
  if (i.origin === 'string') return SAY.maxChars(n);
  if (i.origin === 'array' || i.origin === 'set') return SAY.maxItems(n);
  if (i.origin === 'date') return 'This date is too late.';
  return SAY.max(n, i.inclusive !== false);
}

/**
 * The API's validation words: a zod error map (`schema.safeParse(value, { error: plainError })`)
 * giving each field plain words instead of zod's text ("Too small: expected string to have
 * >=1 characters"). Messages a schema gives itself still win.
 */
export const plainError = (raw: z.core.$ZodRawIssue): string => {
  const i = raw as unknown as Issue;
  switch (i.code) {
    case 'invalid_type':
      return i.input === undefined || i.input === null ? SAY.required : (TYPES[i.expected ?? ''] ?? SAY.notAccepted);
    case 'too_small':
      return tooSmall(i);
    case 'too_big':
      return tooBig(i);
    case 'invalid_format':
      return FORMATS[i.format ?? ''] ?? SAY.format;
    case 'invalid_value':
      return i.values?.length ? SAY.oneOf(i.values) : SAY.notAccepted;
    case 'unrecognized_keys':
      return `Unknown ${i.keys?.length === 1 ? 'field' : 'fields'}: ${i.keys?.join(', ')}.`;
    case 'not_multiple_of':
      return `Use a multiple of ${Number(i.divisor)}.`;
    default:
      return SAY.notAccepted;
  }
};
