/**
 * The codes the API's error answers carry (the shape is contracts/wire.ts `ErrorJson`). Clients
 * key on `code`, never on the message, which is for people.
 */

/** Every code an /api/v1 error answer carries, with the status it comes with. */
export const API_ERRORS = {
  VALIDATION_FAILED: 400,
  /** A 4xx raised below the routes (the HTTP layer itself), with its own status. */
  BAD_REQUEST: 400,
  INVALID_JSON: 400,
  SECRET_REQUIRED: 400,
  TARGET_FORBIDDEN: 400,
  UNKNOWN_PROBE: 400,
  UNKNOWN_NOTIFIER: 400,
  INVALID_CURRENT_PASSWORD: 400,
  EMAIL_UNAVAILABLE: 400,
  NO_CUSTOM_DOMAIN: 400,
  DOMAIN_NOT_VERIFIED: 400,
  UNAUTHORIZED: 401,
  INVALID_CREDENTIALS: 401,
  INVALID_API_KEY: 401,
  PASSWORD_REQUIRED: 401,
  FORBIDDEN: 403,
  CSRF_FAILED: 403,
  SIGNUP_CLOSED: 403,
  SETUP_CODE_REQUIRED: 403,
  SETUP_CODE_INVALID: 403,
  INVITATION_EMAIL_MISMATCH: 403,
  SUBSCRIPTIONS_CLOSED: 403,
  NOT_FOUND: 404,
  INVITATION_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  EMAIL_TAKEN: 409,
  SLUG_TAKEN: 409,
  DOMAIN_TAKEN: 409,
  LAST_OWNER: 409,
  ALREADY_MEMBER: 409,
  INVITATION_EXPIRED: 410,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  BUSY: 429,
  INTERNAL_ERROR: 500,
  INVITATION_EMAIL_FAILED: 502,
  STARTING: 503,
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;
export const API_ERROR_CODES = Object.keys(API_ERRORS) as [ApiErrorCode, ...ApiErrorCode[]];
