/** TLS probe: handshake, then judge the certificate ourselves (chain, name, expiry) and report it. */
import tls, { type TLSSocket } from 'node:tls';
import net from 'node:net';
import { once } from 'node:events';
import { z } from 'zod';
import { defineProbe, excerpt, fail, mainField, since, type ProbeProblem, type Timings } from '../sdk.js';
import { CERTIFICATE_LABELS, certificateFacts, type CertificateFacts } from '../shared/certificate.js';
import { problemOf, TLS_CODES } from '../shared/errors.js';
import { hostPort, resolveTarget } from '../shared/net.js';
import { caSchema, hostSchema, portSchema } from '../shared/schema.js';

const tlsConfig = z.strictObject({
  host: hostSchema.describe('Host name or IP address'),
  port: mainField(portSchema.default(443)).describe('TCP port'),
  servername: hostSchema.optional().meta({ title: 'Server name (SNI)' }).describe('Name to send (SNI) and to check the certificate against; default: host'),
  warnDays: z.number().int().min(0).max(3650).default(14).meta({ title: 'Warning threshold (days)' }).describe('Degraded when fewer days are left (days)'),
  criticalDays: z.number().int().min(0).max(3650).default(3).meta({ title: 'Critical threshold (days)' }).describe('Down when fewer days are left (days)'),
  allowSelfSigned: z.boolean().default(false).meta({ title: 'Allow self-signed certificates' }).describe('Accept self-signed certificates and untrusted chains'),
  ca: caSchema.optional().describe('PEM certificate(s) of a private CA to trust, in addition to the system store'),
});

export type TlsMetadata = Partial<CertificateFacts> & {
  /** The chain leads to a trusted root (system store or `ca`). */
  chainValid?: boolean;
  /** Why the chain is not trusted, as OpenSSL says it (e.g. DEPTH_ZERO_SELF_SIGNED_CERT). */
  chainError?: string;
  /** The certificate covers servername. */
  hostnameMatch?: boolean;
  /** Negotiated protocol, e.g. TLSv1.3. */
  protocol?: string;
  /** Negotiated cipher suite (OpenSSL name). */
  cipher?: string;
};

/** The first problem with the certificate, most fundamental first; undefined when it is fine. */
function judge(m: TlsMetadata, config: z.infer<typeof tlsConfig>, name: string, now: number): ProbeProblem | undefined {
  if (m.validFrom && Date.parse(m.validFrom) > now) return { code: 'CERT_NOT_YET_VALID', message: `Certificate is valid only from ${m.validFrom}` };
  if (m.validTo && Date.parse(m.validTo) <= now) return { code: 'CERT_EXPIRED', message: `Certificate expired on ${m.validTo}` };
  if (!m.chainValid && !config.allowSelfSigned) {
    const code = TLS_CODES[m.chainError ?? ''] ?? 'TLS_ERROR';
    return { code, message: `Certificate is not trusted: ${m.chainError}` };
  }
  if (!m.hostnameMatch) return { code: 'CERT_HOSTNAME', message: `Certificate does not cover ${name} (it covers ${excerpt(m.sans?.join(', ') || m.subject || '')})` };
  if ((m.daysLeft ?? 0) < config.criticalDays) {
    return { code: 'CERT_EXPIRING', message: `Certificate expires in ${m.daysLeft} days (on ${m.validTo})` };
  }
  return undefined;
}

export default defineProbe<typeof tlsConfig, TlsMetadata>({
  id: 'tls',
  version: '1.0.0',
  apiVersion: 1,
  title: 'TLS certificate',
  description: 'Completes a TLS handshake and checks the certificate chain, name and expiry.',
  configSchema: tlsConfig,
  metadataLabels: { ...CERTIFICATE_LABELS, chainValid: 'Chain trusted', chainError: 'Why the chain is not trusted', hostnameMatch: 'Covers the name', protocol: 'Protocol', cipher: 'Cipher suite' },
  targetKey: (config) => `${config.host}:${config.port}`,
  targets: (config) => [hostPort(config.host, config.port)],
  async run(ctx, config, signal) {
    const start = performance.now();
    const timings: Timings = {};
    const metadata: TlsMetadata = {};
    const name = config.servername ?? config.host;
    let socket: TLSSocket | undefined;
    try {
      const target = await resolveTarget(ctx, config.host, signal);
      timings.resolve = since(start);
      const connectStart = performance.now();
      let connectedAt = connectStart;
      socket = tls.connect({
        host: target.address,
        port: config.port,
        servername: net.isIP(name) ? undefined : name,
        // Verify nothing during the handshake: we want the certificate either way, and judge it below.
        rejectUnauthorized: false,
        checkServerIdentity: () => undefined,
        ...(config.ca ? { ca: [...tls.rootCertificates, config.ca] } : {}),
      });
      socket.on('error', () => {});
      socket.once('connect', () => {
        connectedAt = performance.now();
        timings.connect = since(connectStart);
      });
      await once(socket, 'secureConnect', { signal });
      timings.tls = since(connectedAt);

      const cert = socket.getPeerCertificate();
      const now = Date.now();
      const facts = certificateFacts(cert, now);
      if (!facts) return fail('TLS_ERROR', 'The server sent no certificate', { ...timings, total: since(start) }, metadata);
      Object.assign(metadata, facts);
      metadata.chainValid = socket.authorized;
      if (!socket.authorized) metadata.chainError = String(socket.authorizationError);
      metadata.hostnameMatch = tls.checkServerIdentity(name, cert) === undefined;
      metadata.protocol = socket.getProtocol() ?? undefined;
      metadata.cipher = socket.getCipher()?.name;
      timings.total = since(start);

      const problem = judge(metadata, config, name, now);
      if (problem) return fail(problem.code, problem.message, timings, metadata);
      if ((metadata.daysLeft ?? 0) < config.warnDays) {
        const warning = { code: 'CERT_EXPIRING', message: `Certificate expires in ${metadata.daysLeft} days (on ${metadata.validTo})` };
        return { ok: true, warning, timings, metadata };
      }
      return { ok: true, timings, metadata };
    } catch (err) {
      const problem = problemOf(err, signal, 'TLS_ERROR');
      timings.total = since(start);
      return fail(problem.code, problem.message, timings, metadata);
    } finally {
      socket?.destroy();
    }
  },
});
