/**
 * Test certificates made on the spot with node-forge: a small CA, leaves it signs, self-signed
 * leaves, any validity window. Keys come from node:crypto (fast native keygen) and are shared.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import net from 'node:net';
import forge from 'node-forge';

const DAY_MS = 86_400_000;

export interface Pem {
  key: string;
  cert: string;
}

export interface LeafOptions {
  /** DNS names or IP literals the certificate covers (subjectAltName); the first is the CN. */
  hosts: string[];
  /** Days from now; negative for a certificate that has already expired. */
  validDays: number;
  /** Days before now the validity starts (default 30). */
  startedDaysAgo?: number;
  /** Sign with this CA; without it the leaf signs itself. */
  ca?: Pem;
}

let leafKeys: ReturnType<typeof keys> | undefined;

function keys(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; pem: string } {
  const pair = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return {
    privateKey: forge.pki.privateKeyFromPem(pair.privateKey) as forge.pki.rsa.PrivateKey,
    publicKey: forge.pki.publicKeyFromPem(pair.publicKey) as forge.pki.rsa.PublicKey,
    pem: pair.privateKey,
  };
}

function baseCert(publicKey: forge.pki.rsa.PublicKey, cn: string, from: Date, to: Date): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // A positive serial: the high bit of the first byte clear.
  cert.serialNumber = '01' + randomBytes(8).toString('hex');
  cert.validity.notBefore = from;
  cert.validity.notAfter = to;
  cert.setSubject([{ name: 'commonName', value: cn }]);
  return cert;
}

/** A certificate authority valid for a year; pass its cert as `ca` to trust the leaves it signs. */
export function makeCa(cn = 'PingPage Test CA'): Pem {
  const k = keys();
  const now = Date.now();
  const cert = baseCert(k.publicKey, cn, new Date(now - DAY_MS), new Date(now + 365 * DAY_MS));
  cert.setIssuer(cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(k.privateKey, forge.md.sha256.create());
  return { key: k.pem, cert: forge.pki.certificateToPem(cert) };
}

export function makeLeaf(options: LeafOptions): Pem {
  // Leaves share one key: keygen is the slow part, and no test depends on distinct leaf keys.
  leafKeys ??= keys();
  const k = leafKeys;
  const now = Date.now();
  const from = new Date(now - (options.startedDaysAgo ?? 30) * DAY_MS);
  const to = new Date(now + options.validDays * DAY_MS);
  const cert = baseCert(k.publicKey, options.hosts[0], from, to);
  const altNames = options.hosts.map((host) => (net.isIP(host) ? { type: 7, ip: host } : { type: 2, value: host }));
  const extensions: object[] = [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames },
  ];
  if (options.ca) {
    const caCert = forge.pki.certificateFromPem(options.ca.cert);
    cert.setIssuer(caCert.subject.attributes);
    extensions.push({ name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() });
    cert.setExtensions(extensions);
    cert.sign(forge.pki.privateKeyFromPem(options.ca.key) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  } else {
    cert.setIssuer(cert.subject.attributes);
    cert.setExtensions(extensions);
    cert.sign(k.privateKey, forge.md.sha256.create());
  }
  return { key: k.pem, cert: forge.pki.certificateToPem(cert) };
}
