import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout (or a given stream, for tests that read them). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'pingpage' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ['password', 'newPassword', 'currentPassword', '*.password', 'headers.cookie', 'headers.authorization', 'key', 'token'],
        censor: '[redacted]',
      },
    },
    destination ?? pino.destination({ sync: false }),
  );
}
