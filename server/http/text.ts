/** Text fields of request bodies, cleaned the same way by every route. */
import { z } from 'zod';

// PostgreSQL refuses NUL in text and XML (feeds) refuses most control characters: drop them all.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** One line of text: control characters dropped, line breaks made spaces, trimmed. */
export const text = (max: number) =>
  z.string().transform((s) => s.replace(CONTROL, '').replace(/[\r\n\t]+/g, ' ').trim()).pipe(z.string().min(1).max(max));

/** Markdown or other multi-line text: control characters dropped, trimmed. */
export const longText = (max: number, min = 1) =>
  z.string().transform((s) => s.replace(CONTROL, '').trim()).pipe(z.string().min(min).max(max));
