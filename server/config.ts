import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { StartupError } from './errors.js';
import { parseProxyTrust } from './http/proxy.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const list = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

const positiveInt = z.coerce.number().int().positive();

const proxyTrust = z.string().transform((v, ctx) => {
  try {
    return parseProxyTrust(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

// c-ares takes `ip`, `ip:port`, `ipv6`, `[ipv6]` and `[ipv6]:port`.
function isDnsServer(entry: string): boolean {
  const m = /^\[(.+)\](?::(\d{1,5}))?$/.exec(entry) ?? /^([\d.]+)(?::(\d{1,5}))?$/.exec(entry);
  if (!m) return net.isIPv6(entry);
  return net.isIP(m[1]!) !== 0 && (m[2] === undefined || Number(m[2]) <= 65_535);
}
const dnsServers = list.refine((servers) => servers.every(isDnsServer), 'expected IP addresses, `ip:port` or `[ipv6]:port`, comma-separated');

/**
 * The whole environment of the server. Each variable's description is the one the README's
 * configuration table shows (a test keeps them in step).
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development')
    .describe('`production` turns on secure cookies and HSTS when PUBLIC_URL is https'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000)
    .describe('TCP port of the HTTP server (0 picks a free one)'),
  HOST: z.string().min(1).default('127.0.0.1')
    .describe('address the HTTP server binds; `0.0.0.0` in containers'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional()
    .describe('the URL users reach PingPage at; Origin checks, cookies and links use it (default `http://HOST:PORT`)'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional()
    .describe('PostgreSQL connection URL; when unset an embedded PostgreSQL runs with its data in DATA_DIR'),
  DATA_DIR: z.string().min(1).default('./data')
    .describe('where the embedded database, the generated session secret and the lockfile live'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional()
    .describe('key that signs session cookies; generated once and kept in DATA_DIR when unset'),
  SESSION_IDLE_HOURS: positiveInt.default(168)
    .describe('a session unused this long expires (the absolute limit is 30 days)'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')
    .describe('pino log level of the JSON logs on stdout'),
  BODY_LIMIT_BYTES: positiveInt.default(1_048_576)
    .describe('largest accepted request body; larger ones get 413'),
  TRUST_PROXY: proxyTrust.default({ kind: 'none' })
    .describe('which X-Forwarded-* headers to believe: `false`; a number of proxy hops (`1` behind Traefik; `true` means `1`); or the proxies\' IPs/CIDRs, comma-separated'),
  PINGPAGE_SIGNUP: z.enum(['invite', 'open']).default('invite')
    .describe('`invite`: the first user, then only people holding an invitation link; `open`: anyone'),
  PINGPAGE_PLUGINS: list.default([])
    .describe('comma-separated npm package names or paths of external probe plugins'),
  PINGPAGE_PRIVATE_TARGETS: z.enum(['allow', 'deny']).optional()
    .describe("`deny` refuses probes and webhooks to loopback, private and link-local addresses; unset: `deny` when PINGPAGE_SIGNUP is `open`, else `allow` (status-page visitors' webhooks are always denied)"),
  PINGPAGE_SELF_MONITOR: bool.default(true)
    .describe("the first organization gets a monitor of this install's own PUBLIC_URL/readyz, once"),
  PINGPAGE_PROBE_MEMORY_MB: z.coerce.number().int().min(10).max(65_536).default(64)
    .describe('MiB of target replies all checks together may hold at once (bodies kept for a regex or JSON path); a check over it waits'),
  PINGPAGE_TARGET_ALLOWLIST: list.default([])
    .describe('addresses allowed even when refused by the rules above (e.g. a metadata address)'),
  PINGPAGE_DNS_SERVERS: dnsServers.default([])
    .describe('DNS servers probes and webhooks resolve names with (`ip`, `ip:port`, `[ipv6]:port`, comma-separated); default the system\'s'),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional()
    .describe('Redis for Socket.IO fan-out between several server processes'),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional()
    .describe('SMTP server for invitations and status-page subscriber e-mail: `smtp://user:pass@host:587` (STARTTLS), `smtps://…` (TLS)'),
  MAIL_FROM: z.email().optional()
    .describe('sender address of invitations and subscriber e-mail (needs SMTP_URL)'),
  METRICS_TOKEN: z.string().min(16).optional()
    .describe('bearer token that may read /metrics (besides the signed-in instance administrators)'),
  PINGPAGE_ADMINS: list.pipe(z.array(z.email())).default([])
    .describe('comma-separated emails of instance administrators besides the first account; they may read /metrics signed in'),
  RAW_RETENTION_DAYS: positiveInt.default(90)
    .describe('days raw heartbeats are kept'),
  ROLLUP_RETENTION_DAYS: positiveInt.default(730)
    .describe('days hourly and daily rollups are kept'),
});

export type Env = z.infer<typeof configSchema>;
export type Config = Readonly<
  Omit<Env, 'PUBLIC_URL' | 'SESSION_SECRET' | 'PINGPAGE_PRIVATE_TARGETS'> & {
    PUBLIC_URL: string;
    SESSION_SECRET: string;
    PINGPAGE_PRIVATE_TARGETS: 'allow' | 'deny';
    /** DATA_DIR resolved to an absolute path. */
    DATA_DIR: string;
    /** PUBLIC_URL is https: cookies are Secure and HSTS is sent. */
    secure: boolean;
    /** PUBLIC_URL was not set and is this machine's own address: loopback aliases are accepted as origins too. */
    publicUrlDerived: boolean;
  }
>;

function describeIssue(issue: z.core.$ZodIssue, env: Record<string, string | undefined>): string {
  const name = String(issue.path[0] ?? 'environment');
  const raw = env[name];
  const got = raw === undefined ? '' : ` (got ${JSON.stringify(raw.length > 60 ? raw.slice(0, 60) + '…' : raw)})`;
  if (name === 'SESSION_SECRET') return `${name}: ${issue.message}`;
  return `${name}: ${issue.message}${got}`;
}

/** Parses the environment, resolves defaults that need the disk, and freezes the result. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.fromEntries(
    Object.keys(configSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const parsed = configSchema.safeParse(known);
  if (!parsed.success) {
    throw new StartupError(parsed.error.issues.map((i) => describeIssue(i, env)).join('; '));
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const localHost = e.HOST === '0.0.0.0' || e.HOST === '::' ? 'localhost' : e.HOST.includes(':') ? `[${e.HOST}]` : e.HOST;
  const publicUrl = (e.PUBLIC_URL ?? `http://${localHost}:${e.PORT}`).replace(/\/+$/, '');
  return Object.freeze({
    ...e,
    DATA_DIR: dataDir,
    PUBLIC_URL: publicUrl,
    SESSION_SECRET: e.SESSION_SECRET ?? persistedSecret(dataDir),
    // An explicit value wins; unset, an instance anyone may sign up to keeps strangers off its own network.
    PINGPAGE_PRIVATE_TARGETS: e.PINGPAGE_PRIVATE_TARGETS ?? (e.PINGPAGE_SIGNUP === 'open' ? 'deny' : 'allow'),
    secure: publicUrl.startsWith('https:'),
    publicUrlDerived: e.PUBLIC_URL === undefined,
  });
}

/** The config once the server listens: a derived PUBLIC_URL gets the real port (PORT=0 picks one). */
export function withListenPort(config: Config, port: number): Config {
  if (!config.publicUrlDerived || config.PORT === port) return config;
  const url = new URL(config.PUBLIC_URL);
  url.port = String(port);
  return Object.freeze({ ...config, PUBLIC_URL: url.origin });
}

/** Reads DATA_DIR/session-secret, creating it (mode 0600) on first start. */
function persistedSecret(dataDir: string): string {
  const file = path.join(dataDir, 'session-secret');
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new StartupError(`DATA_DIR: cannot read ${file}: ${(err as Error).message}`);
    }
  }
  try {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(48).toString('base64url');
    writeFileSync(file, secret + '\n', { mode: 0o600 });
    return secret;
  } catch (err) {
    throw new StartupError(`DATA_DIR: cannot write ${file}: ${(err as Error).message}`);
  }
}
