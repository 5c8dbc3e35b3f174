/** Turns whatever ended a check (abort, ProbeFailure, Node socket/TLS error) into a coded problem. */
import { ProbeFailure, type ProbeProblem } from '../sdk.js';

const SOCKET_CODES: Record<string, string> = {
  ECONNREFUSED: 'CONNECTION_REFUSED',
  ECONNRESET: 'CONNECTION_RESET',
  EPIPE: 'CONNECTION_RESET',
  ECONNABORTED: 'CONNECTION_RESET',
  ERR_STREAM_PREMATURE_CLOSE: 'CONNECTION_RESET',
  // The kernel gave up connecting before our own deadline did.
  ETIMEDOUT: 'TIMEOUT',
};

/** OpenSSL verification codes (as Node reports them) to the codes alerting keys on. */
export const TLS_CODES: Record<string, string> = {
  CERT_HAS_EXPIRED: 'CERT_EXPIRED',
  CERT_NOT_YET_VALID: 'CERT_NOT_YET_VALID',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'CERT_SELF_SIGNED',
  SELF_SIGNED_CERT_IN_CHAIN: 'CERT_SELF_SIGNED',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'CERT_SELF_SIGNED',
  UNABLE_TO_GET_ISSUER_CERT: 'CERT_SELF_SIGNED',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'CERT_SELF_SIGNED',
  ERR_TLS_CERT_ALTNAME_INVALID: 'CERT_HOSTNAME',
};

export const TIMEOUT_MESSAGE = 'No answer within the monitor timeout';

/**
 * The abort check comes first: once the run's signal fired, whatever error the destroyed socket
 * produced is a consequence of the timeout, not its cause.
 */
export function problemOf(err: unknown, signal: AbortSignal, fallback: string): ProbeProblem {
  if (signal.aborted) return { code: 'TIMEOUT', message: TIMEOUT_MESSAGE };
  if (err instanceof ProbeFailure) return { code: err.code, message: err.message };
  const e = err as NodeJS.ErrnoException;
  const message = e?.message ?? String(err);
  const code = typeof e?.code === 'string' ? e.code : '';
  if (SOCKET_CODES[code]) return { code: SOCKET_CODES[code], message };
  if (TLS_CODES[code]) return { code: TLS_CODES[code], message };
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO') {
    return { code: 'TLS_ERROR', message };
  }
  return { code: fallback, message: code ? `${code}: ${message}` : message };
}
