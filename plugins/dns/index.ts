/** DNS probe: asks one server one question over UDP and checks the rcode and answers. */
import nodeDns from 'node:dns';
import { z } from 'zod';
import { defineProbe, fail, mainField, ProbeFailure, since, type Timings } from '../sdk.js';
import { problemOf } from '../shared/errors.js';
import { resolveTarget } from '../shared/net.js';
import { missingAnswers, shownAnswer, toAnswer, type DnsAnswer } from './answers.js';
import { parseServer, query, type Server } from './query.js';

const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SOA', 'SRV', 'CAA'] as const;
/** RFC 1035/2136 response codes by number. */
const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE'] as const;


const dnsConfig = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(253)
    .regex(/^(?:[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.?|\.)$/)
    .meta({ title: 'Domain name' })
    .describe('Name to look up, e.g. example.com or _sip._tcp.example.com'),
  type: mainField(z.enum(RECORD_TYPES).default('A')).meta({ title: 'Record type' }).describe('Record type to ask for'),
  server: z
    .string()
    // host or [IPv6], then an optional :port of 1-65535; or a bare IPv6 address
    .regex(/^(?:(?:[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*|\[[0-9A-Fa-f:.]+\])(?::(?:6553[0-5]|655[0-2]\d|65[0-4]\d\d|6[0-4]\d{3}|[1-5]\d{4}|[1-9]\d{0,3}))?|[0-9A-Fa-f.]*:[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*)$/)
    .optional()
    .meta({ title: 'DNS server' })
    .describe('DNS server as host, host:port, IP or [IPv6]:port (UDP); absent: the system resolver'),
  expectedRcode: z.enum(RCODES).default('NOERROR').meta({ title: 'Expected response code' }).describe('Response code the answer must carry'),
  expectedAnswers: z
    .array(z.string().min(1).max(1024))
    .max(50)
    .optional()
    .describe('Values that must all appear among the answers, e.g. 192.0.2.1 or "10 mail.example.com"'),
});

export type DnsMetadata = {
  /** Response code of the reply, e.g. NOERROR, NXDOMAIN; absent when no reply came. */
  rcode?: string;
  /** The answer section. */
  answers: DnsAnswer[];
  /** The server asked, as address:port. */
  server: string;
  /** The server set TC: the answer did not fit in one datagram and may be incomplete. */
  truncated?: boolean;
};

export default defineProbe<typeof dnsConfig, DnsMetadata>({
  id: 'dns',
  version: '1.0.0',
  apiVersion: 1,
  title: 'DNS',
  description: 'Asks a DNS server for a record and checks the response code and answers.',
  configSchema: dnsConfig,
  metadataLabels: { rcode: 'Response code', answers: 'Answers', server: 'Server asked', truncated: 'Answer truncated' },
  targetKey: (config) => config.server ?? `system:${config.name}`,
  targets: (config) => (config.server ? [config.server] : []),
  async run(ctx, config, signal) {
    const start = performance.now();
    const timings: Timings = {};
    const metadata: DnsMetadata = { answers: [], server: '' };
    try {
      let server: Server;
      if (config.server !== undefined) {
        // A server the user names goes through the outbound policy like any other target.
        const { host, port } = parseServer(config.server);
        server = { address: (await resolveTarget(ctx, host, signal)).address, port };
        timings.resolve = since(start);
      } else {
        // The operator's own resolver (often 127.0.0.53) is trusted configuration, not a target.
        // Through the module object: named ESM imports of node:dns miss later setServers() calls.
        const first = nodeDns.getServers()[0];
        if (!first) throw new ProbeFailure('DNS_FAILED', 'No system DNS server configured');
        const { host, port } = parseServer(first);
        server = { address: host, port };
      }
      metadata.server = server.address.includes(':') ? `[${server.address}]:${server.port}` : `${server.address}:${server.port}`;

      const reply = await query(server, config.name, config.type, signal);
      timings.total = since(start);
      const rcode = (reply.flags ?? 0) & 0xf;
      metadata.rcode = RCODES[rcode] ?? `RCODE${rcode}`;
      // Judged on the answers as sent; the result carries excerpts (a TXT record may be kilobytes).
      const answers = (reply.answers ?? []).filter((a) => a.type !== 'OPT').map(toAnswer);
      metadata.answers = answers.map(shownAnswer);
      if (reply.flag_tc) metadata.truncated = true;

      if (metadata.rcode !== config.expectedRcode) {
        return fail('RCODE_MISMATCH', `Got ${metadata.rcode}, expected ${config.expectedRcode}`, timings, metadata);
      }
      if (metadata.rcode === 'NOERROR' && !answers.some((a) => a.type === config.type)) {
        return fail('NO_ANSWER', `No ${config.type} record for ${config.name}`, timings, metadata);
      }
      const missing = missingAnswers(config.expectedAnswers ?? [], answers);
      if (missing.length > 0) {
        return fail('ANSWER_MISMATCH', `Missing from the answers: ${missing.join(', ')}`, timings, metadata);
      }
      return { ok: true, timings, metadata };
    } catch (err) {
      const problem = problemOf(err, signal, 'DNS_FAILED');
      timings.total = since(start);
      return fail(problem.code, problem.message, timings, metadata);
    }
  },
});
