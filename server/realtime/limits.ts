/** A token bucket per socket: bursts of `capacity` events, then `perSecond` sustained. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = capacity;
    this.last = now();
  }

  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export const LIMITS = {
  /** Transport cap: a larger frame drops the connection (engine.io). */
  maxHttpBufferSize: 256 * 1024,
  /** Event cap: a larger event is refused with an error ack and the socket stays. */
  maxEventBytes: 16 * 1024,
  /** Rooms one socket may join through subscribe. */
  maxSubscriptions: 20,
  burst: 20,
  perSecond: 10,
  /** Refusals for rate after which the socket is dropped. */
  maxViolations: 50,
} as const;
