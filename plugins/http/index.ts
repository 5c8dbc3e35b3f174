/** HTTP(S) probe: status, body keyword, JSON value, response time, certificate facts. */
import { defineProbe, excerpt, fail, linearRegex, ProbeFailure, since, type ProbeContext, type Timings } from '../sdk.js';
import { CERTIFICATE_LABELS, type CertificateFacts } from '../shared/certificate.js';
import { problemOf } from '../shared/errors.js';
import { bareHost, resolveTarget } from '../shared/net.js';
import { ResponseBody } from './body.js';
import { statusMatches, textOf, valueAt } from './checks.js';
import { httpConfig, MAX_BODY_BYTES, type HttpConfig } from './config.js';
import { exchange, type Exchange } from './exchange.js';

export type HttpMetadata = {
  /** Status code of the final response; absent when no response came. */
  statusCode?: number;
  /** Absolute URLs of the redirects followed, in order (each at most 200 bytes, as the target sent them). */
  redirects: string[];
  /** Body bytes read from the final response (at most maxBodyBytes). */
  bodyBytes: number;
  /** The body went on past maxBodyBytes; the checks saw only the first maxBodyBytes. */
  bodyTruncated: boolean;
  /** The final response's server certificate; https only. */
  certificate?: CertificateFacts;
};

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Never sent on to another origin: a redirect must not leak credentials to a third party. */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];

function requestHeaders(config: HttpConfig, ctx: ProbeContext): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.headers)) {
    if (name.toLowerCase() !== 'host') headers[name.toLowerCase()] = value;
  }
  headers['user-agent'] ??= ctx.userAgent;
  if (config.auth.type === 'basic') {
    headers.authorization = `Basic ${Buffer.from(`${config.auth.username}:${config.auth.password}`).toString('base64')}`;
  } else if (config.auth.type === 'bearer') {
    headers.authorization = `Bearer ${config.auth.token}`;
  } else {
    // Credentials in the URL, as browsers and curl send them: Basic, percent-decoded.
    const { username, password } = new URL(config.url);
    if ((username || password) && !headers.authorization) headers.authorization = `Basic ${Buffer.from(`${decoded(username)}:${decoded(password)}`).toString('base64')}`;
  }
  return headers;
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a stray % stays as typed
  }
}

/** A URL as results may show it: user-info dropped (a relative redirect inherits the monitor's). */
function shown(url: URL): string {
  const copy = new URL(url);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

/** Phases are summed over redirect hops; total is wall-clock. */
function add(timings: Timings, phase: 'resolve' | 'connect' | 'tls' | 'firstByte', value: number | undefined) {
  if (value !== undefined) timings[phase] = Math.round(((timings[phase] ?? 0) + value) * 100) / 100;
}

function nextHop(from: URL, location: string): URL {
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw new ProbeFailure('BAD_REDIRECT', `Redirect to an invalid URL: ${excerpt(location)}`);
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new ProbeFailure('BAD_REDIRECT', `Redirect to a ${excerpt(next.protocol, 40)} URL refused`);
  }
  return next;
}

/** Follows redirects, resolving and policy-checking every hop; returns the final response. */
async function fetchFinal(
  ctx: ProbeContext,
  config: HttpConfig,
  signal: AbortSignal,
  timings: Timings,
  metadata: HttpMetadata,
  responseBody: ResponseBody,
): Promise<Exchange> {
  let url = new URL(config.url);
  let method: string = config.method;
  let body = config.body;
  const headers = requestHeaders(config, ctx);
  const follows = (status: number, location: string | undefined) =>
    config.followRedirects && REDIRECTS.has(status) && !!location;

  for (;;) {
    const resolveStart = performance.now();
    const target = await resolveTarget(ctx, bareHost(url.hostname), signal);
    add(timings, 'resolve', since(resolveStart));
    const hop = await exchange(
      {
        url,
        target,
        method,
        headers,
        body,
        readBody: (status, responseHeaders) => method !== 'HEAD' && !follows(status, responseHeaders.location),
        onStatus: (status) => (metadata.statusCode = status),
        beforeBody: responseBody.keeps ? (bytes) => responseBody.start(bytes) : undefined,
        onBody: responseBody.ignored ? undefined : (chunk) => responseBody.write(chunk),
        maxBodyBytes: config.maxBodyBytes,
        rejectUnauthorized: !config.ignoreTlsErrors,
        ca: config.ca,
      },
      signal,
    );
    add(timings, 'connect', hop.timings.connect);
    add(timings, 'tls', hop.timings.tls);
    add(timings, 'firstByte', hop.timings.firstByte);
    if (!follows(hop.statusCode, hop.headers.location)) return hop;

    const next = nextHop(url, hop.headers.location as string);
    if (metadata.redirects.length >= config.maxRedirects) {
      throw new ProbeFailure('TOO_MANY_REDIRECTS', `More than ${config.maxRedirects} redirects (next: ${excerpt(shown(next))})`);
    }
    metadata.redirects.push(excerpt(shown(next)));
    // What browsers do: 303, and 301/302 after a POST, continue as a GET without the body.
    if ((hop.statusCode === 303 && method !== 'HEAD') || ((hop.statusCode === 301 || hop.statusCode === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
      delete headers['content-type'];
      delete headers['content-length'];
    }
    if (next.origin !== url.origin) for (const name of CREDENTIAL_HEADERS) delete headers[name];
    url = next;
  }
}

/** Judges the final response against the config; throws ProbeFailure on the first mismatch. */
function judge(config: HttpConfig, response: Exchange, body: ResponseBody, elapsedMs: number): void {
  if (!statusMatches(response.statusCode, config.expectedStatus)) {
    throw new ProbeFailure('STATUS_MISMATCH', `Status ${response.statusCode}, expected ${config.expectedStatus.join(', ')}`);
  }
  if (config.keyword !== undefined) {
    const found = config.keywordRegex ? linearRegex(config.keyword).test(body.bytes) : body.found;
    if (config.invertKeyword && found) throw new ProbeFailure('KEYWORD_FOUND', `Body contains "${config.keyword}"`);
    if (!config.invertKeyword && !found) {
      const where = response.truncated ? ` (first ${config.maxBodyBytes} bytes read)` : '';
      throw new ProbeFailure('KEYWORD_MISSING', `Body lacks "${config.keyword}"${where}`);
    }
  }
  if (config.jsonExpected !== undefined && config.jsonPath === undefined) {
    throw new ProbeFailure('CONFIG_INVALID', 'jsonExpected needs a jsonPath');
  }
  if (config.jsonPath !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(body.bytes.toString('utf8'));
    } catch {
      const why = response.truncated ? `truncated at ${config.maxBodyBytes} bytes` : 'not JSON';
      throw new ProbeFailure('JSON_MISMATCH', `Body is ${why}`);
    }
    const { found, value } = valueAt(json, config.jsonPath);
    if (!found) throw new ProbeFailure('JSON_MISMATCH', `No value at ${config.jsonPath}`);
    if (config.jsonExpected !== undefined && textOf(value) !== config.jsonExpected) {
      throw new ProbeFailure('JSON_MISMATCH', `${config.jsonPath} is ${excerpt(textOf(value) ?? 'undefined')}, expected ${config.jsonExpected}`);
    }
  }
  if (config.maxResponseTimeMs !== undefined && elapsedMs > config.maxResponseTimeMs) {
    throw new ProbeFailure('SLOW_RESPONSE', `Took ${Math.round(elapsedMs)} ms, limit ${config.maxResponseTimeMs} ms`);
  }
}

export default defineProbe<typeof httpConfig, HttpMetadata>({
  id: 'http',
  version: '1.0.0',
  apiVersion: 1,
  title: 'HTTP(S)',
  description: 'Requests a URL and checks the status, body keyword or JSON value, response time and certificate.',
  configSchema: httpConfig,
  metadataLabels: { statusCode: 'Status code', redirects: 'Redirects followed', bodyBytes: 'Body read (bytes)', bodyTruncated: 'Body cut short', certificate: 'Certificate' },
  targetKey: (config) => new URL(config.url).host,
  targets: (config) => [config.url],
  upgradeConfig: (stored) =>
    typeof stored.maxBodyBytes === 'number' && stored.maxBodyBytes > MAX_BODY_BYTES ? { ...stored, maxBodyBytes: MAX_BODY_BYTES } : stored,
  async run(ctx, config, signal) {
    const start = performance.now();
    const timings: Timings = {};
    const metadata: HttpMetadata = { redirects: [], bodyBytes: 0, bodyTruncated: false };
    const body = new ResponseBody(config, ctx.memory, signal);
    try {
      const response = await fetchFinal(ctx, config, signal, timings, metadata, body);
      metadata.bodyBytes = response.bodyBytes;
      metadata.bodyTruncated = response.truncated;
      if (response.certificate) metadata.certificate = response.certificate;
      timings.total = since(start);
      judge(config, response, body, timings.total);
      return { ok: true, timings, metadata };
    } catch (err) {
      const problem = problemOf(err, signal, 'HTTP_ERROR');
      timings.total = since(start);
      return fail(problem.code, problem.message, timings, metadata);
    } finally {
      body.release();
    }
  },
});
