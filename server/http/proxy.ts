/**
 * Who the client is behind reverse proxies (TRUST_PROXY). X-Forwarded-For is a list each proxy
 * appends its peer to, so only its right end is written by proxies we know; the left end is
 * whatever the client claimed. The client is found by walking from the socket peer leftwards
 * past trusted proxies; X-Forwarded-Proto and -Host count only when the peer is trusted.
 */
import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import type Koa from 'koa';

/**
 * `none`: headers ignored. `hops`: the peer and the next hops-1 addresses to its left are proxies
 * (docker-compose's Traefik is 1). `addresses`: proxies are the peer addresses in these ranges.
 */
export type ProxyTrust = { kind: 'none' } | { kind: 'hops'; hops: number } | { kind: 'addresses'; ranges: readonly string[] };

/** `::ffff:1.2.3.4` → `1.2.3.4`; an X-Forwarded-For entry's port or brackets dropped; '' when not an IP. */
export function normalIp(raw: string): string {
  let ip = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(ip);
  if (bracketed) ip = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(ip)) ip = ip.slice(0, ip.lastIndexOf(':'));
  ip = ip.replace(/%.*$/, '');
  if (/^::ffff:\d{1,3}(\.\d{1,3}){3}$/i.test(ip)) ip = ip.slice(7);
  return net.isIP(ip) ? ip.toLowerCase() : '';
}

function parseRange(entry: string): [string, number | undefined] | undefined {
  const [ip, bits, extra] = entry.split('/');
  const family = net.isIP(ip ?? '');
  if (!family || extra !== undefined) return undefined;
  if (bits === undefined) return [ip!, undefined];
  const n = /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
  return n <= (family === 4 ? 32 : 128) ? [ip!, n] : undefined;
}

/**
 * TRUST_PROXY's value: `false`/`0`/`no` (default), a number of hops, `true`/`yes` (one hop: the
 * single proxy of docker-compose.yml), or a comma list of proxy IPs and CIDR ranges.
 * Throws an Error with a sentence for anything else.
 */
export function parseProxyTrust(value: string): ProxyTrust {
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'false' || v === 'no' || v === '0') return { kind: 'none' };
  if (v === 'true' || v === 'yes') return { kind: 'hops', hops: 1 };
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    if (hops > 10) throw new Error('at most 10 proxy hops');
    return { kind: 'hops', hops };
  }
  const ranges = v.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = ranges.find((r) => !parseRange(r));
  if (bad !== undefined || !ranges.length) {
    throw new Error(`expected false, a number of proxy hops, or proxy IP addresses/CIDR ranges${bad ? ` ("${bad.slice(0, 60)}" is neither)` : ''}`);
  }
  return { kind: 'addresses', ranges };
}

interface Trust {
  /** Is the address at `i` hops from us (0: the socket peer) a proxy of ours? */
  (address: string, i: number): boolean;
}

const compiled = new WeakMap<ProxyTrust, Trust>();

function trustOf(t: ProxyTrust): Trust {
  let fn = compiled.get(t);
  if (fn) return fn;
  if (t.kind === 'none') fn = () => false;
  else if (t.kind === 'hops') fn = (_a, i) => i < t.hops;
  else {
    const list = new net.BlockList();
    for (const r of t.ranges) {
      const [ip, bits] = parseRange(r)!;
      const type = net.isIPv4(ip) ? 'ipv4' : 'ipv6';
      if (bits === undefined) list.addAddress(ip, type);
      else list.addSubnet(ip, bits, type);
    }
    fn = (a) => a !== '' && list.check(a, net.isIPv4(a) ? 'ipv4' : 'ipv6');
  }
  compiled.set(t, fn);
  return fn;
}

function headerList(req: IncomingMessage, name: string): string[] {
  const raw = req.headers[name];
  const text = Array.isArray(raw) ? raw.join(',') : raw;
  return text ? text.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

/** The client's address: the first address, walking left from the socket peer, that is not a trusted proxy. */
export function clientIp(req: IncomingMessage, t: ProxyTrust): string {
  const peer = normalIp(req.socket.remoteAddress ?? '');
  const trusted = trustOf(t);
  if (!trusted(peer, 0)) return peer;
  const chain = headerList(req, 'x-forwarded-for').reverse();
  let last = peer;
  for (let i = 0; i < chain.length; i++) {
    const ip = normalIp(chain[i]!);
    if (!ip) return last; // garbage where an address belongs: the last proxy that we trust is all we know
    if (!trusted(ip, i + 1)) return ip;
    last = ip;
  }
  return last;
}

/** X-Forwarded-Proto or -Host as the nearest (trusted) proxy set it, or undefined. */
export function forwarded(req: IncomingMessage, t: ProxyTrust, name: 'x-forwarded-proto' | 'x-forwarded-host'): string | undefined {
  if (!trustOf(t)(normalIp(req.socket.remoteAddress ?? ''), 0)) return undefined;
  return headerList(req, name).at(-1);
}

/**
 * Koa reads these headers leftmost-first when `app.proxy` is on; the app keeps it off and asks
 * here instead, for ctx.ip, ctx.protocol (and so ctx.secure and Secure cookies) and ctx.host.
 */
export function applyProxyTrust(app: Koa, t: ProxyTrust): void {
  app.proxy = false;
  const base = Object.getPrototypeOf(app.request) as object;
  const get = (name: string) => Object.getOwnPropertyDescriptor(base, name)!.get!;
  const plainHost = get('host');
  const plainProtocol = get('protocol');
  Object.defineProperties(app.request, {
    ip: {
      configurable: true,
      get(this: Koa.Request) {
        return clientIp(this.req, t);
      },
      set() {},
    },
    protocol: {
      configurable: true,
      get(this: Koa.Request) {
        const proto = (this.req.socket as { encrypted?: boolean }).encrypted ? undefined : forwarded(this.req, t, 'x-forwarded-proto');
        return proto ? proto.toLowerCase() : plainProtocol.call(this);
      },
    },
    host: {
      configurable: true,
      get(this: Koa.Request) {
        return forwarded(this.req, t, 'x-forwarded-host') ?? plainHost.call(this);
      },
    },
  });
}
