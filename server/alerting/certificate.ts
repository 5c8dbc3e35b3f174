/** Where probes report a certificate's days left in their metadata (tls: top level; http: under certificate). */
export function certificateDaysLeft(metadata: unknown): number | undefined {
  if (!metadata || typeof metadata !== 'object') return undefined;
  const m = metadata as { daysLeft?: unknown; certificate?: { daysLeft?: unknown } };
  const v = typeof m.daysLeft === 'number' ? m.daysLeft : m.certificate?.daysLeft;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
