import type { ApiErrorCode } from '../contracts/errors.js';

/** A condition that stops the server from starting: printed as one line, exit code 1. */
export class StartupError extends Error {}

/**
 * An error the API answers with: a status, a SNAKE_CASE code clients can rely on, a message for
 * people and optional details (for validation: the failing field paths).
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const notFound = (what = 'Resource') => new AppError(404, 'NOT_FOUND', `${what} not found`);
export const forbidden = (message = 'You are not allowed to do this') =>
  new AppError(403, 'FORBIDDEN', message);
export const unauthorized = (message = 'Sign in first') => new AppError(401, 'UNAUTHORIZED', message);
export const conflict = (code: ApiErrorCode, message: string) => new AppError(409, code, message);
