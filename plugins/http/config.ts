/** The http probe's configuration: validation and defaults in one place, JSON-Schema representable. */
import { z } from 'zod';
import { regexWhen, secret, secretUrlPassword } from '../sdk.js';
import { caSchema } from '../shared/schema.js';

const MiB = 1024 * 1024;
/** Most body bytes a monitor may read (bytes); configs stored under the old 64 MiB limit are clamped to it. */
export const MAX_BODY_BYTES = 10 * MiB;

/** A code (200) or an inclusive range ("200-299"). */
const statusSpec = z.union([z.number().int().min(100).max(599), z.string().regex(/^[1-5]\d\d(-[1-5]\d\d)?$/)]);

const auth = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }).describe('No authentication'),
  z
    .strictObject({
      type: z.literal('basic'),
      username: z.string().max(256).describe('User name for HTTP Basic authentication'),
      password: secret(z.string().max(1024)).describe('Password for HTTP Basic authentication (secret)'),
    })
    .describe('HTTP Basic authentication'),
  z
    .strictObject({
      type: z.literal('bearer'),
      token: secret(z.string().min(1).max(8192)).describe('Token sent as "Authorization: Bearer <token>" (secret)'),
    })
    .describe('Bearer token'),
]);

export const httpConfig = z.strictObject({
  url: secretUrlPassword(
    z
      .url({ protocol: /^https?$/ })
      .regex(/^https?:\/\//i)
      .max(2048),
  ).describe('Address to request; http:// or https:// only (a password in it is kept secret)'),
  method: z
    .enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
    .default('GET')
    .describe('HTTP method'),
  headers: z
    .record(
      z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/),
      secret(z.string().max(8192).regex(/^[^\r\n\0]*$/)),
    )
    .default({})
    .describe('Extra request headers; Host always follows the URL (values are secret)'),
  body: z.string().max(64 * 1024).optional().describe('Request body, sent as UTF-8 (set Content-Type in headers)'),
  auth: auth.default({ type: 'none' }).describe('Authentication'),
  followRedirects: z.boolean().default(true).describe('Follow 301/302/303/307/308 redirects'),
  maxRedirects: z.number().int().min(0).max(20).default(5).describe('Redirects to follow before failing'),
  expectedStatus: z
    .array(statusSpec)
    .min(1)
    .default(['200-399'])
    .describe('Accepted status codes: numbers or inclusive ranges like "200-299"'),
  keyword: z.string().min(1).max(1024).optional().describe('Text that must appear in the response body'),
  keywordRegex: z
    .boolean()
    .default(false)
    .describe('Treat the keyword as a regular expression (RE2 syntax: no back-references or look-around; (?i) ignores case)'),
  invertKeyword: z.boolean().default(false).describe('Fail when the keyword appears instead of when it is missing'),
  jsonPath: z
    .string()
    .max(256)
    .regex(/^(?:[^.[\]]+|\[\d+\])(?:\.[^.[\]]+|\[\d+\])*$/)
    .optional()
    .describe('Dotted/bracket path into a JSON body, e.g. data.items[0].status'),
  jsonExpected: z
    .string()
    .max(4096)
    .optional()
    .describe('Value expected at jsonPath (compared as text; objects as JSON); absent: the path must exist'),
  maxResponseTimeMs: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Fail with SLOW_RESPONSE when the whole check takes longer (milliseconds)'),
  maxBodyBytes: z
    .number()
    .int()
    .min(0)
    .max(MAX_BODY_BYTES)
    .default(MiB)
    .describe('Read at most this many body bytes, then hang up (bytes, at most 10 MiB)'),
  ignoreTlsErrors: z.boolean().default(false).describe('Accept expired, self-signed or mismatched certificates'),
  ca: caSchema.optional().describe('PEM certificate(s) of a private CA to trust, in addition to the system store'),
}).superRefine(regexWhen('keywordRegex', 'keyword'));

export type HttpConfig = z.infer<typeof httpConfig>;
