import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout (or a given stream, for tests that read them). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'pingpage' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        // Request lines log the path: an invitation link's secret is in it (/invite/pp_inv_…).
        log: (o) => (typeof o.path === 'string' && o.path.includes('pp_inv_') ? { ...o, path: o.path.replace(/pp_inv_[A-Za-z0-9_-]*/g, 'pp_inv_[redacted]') } : o),
      },
      redact: {
        paths: ['password', 'newPassword', 'currentPassword', '*.password', 'headers.cookie', 'headers.authorization', 'key', 'token'],
        censor: '[redacted]',
      },
    },
    destination ?? pino.destination({ sync: false }),
  );
}
