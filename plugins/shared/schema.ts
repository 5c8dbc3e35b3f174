/** Config fields several probes share; each probe adds its own `.describe()` text. */
import { z } from 'zod';

/** A host name or an IP literal (IPv6, two colons or more, with or without brackets): no scheme, path, port or spaces. */
export const hostSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(/^(?:[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.?|\[?[0-9A-Fa-f.]*:[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*\]?)$/);

export const portSchema = z.number().int().min(1).max(65535);

/** One or more PEM certificates; the pattern only catches a pasted key or a file path, OpenSSL checks the rest. */
export const caSchema = z
  .string()
  .regex(/-----BEGIN CERTIFICATE-----/)
  .max(256 * 1024);
