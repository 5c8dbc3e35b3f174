/** A clock for relative times ("down for 5 min"): ticks every 15 s, shared by every row. */
class Now {
  ms = $state(Date.now());
  constructor() {
    setInterval(() => (this.ms = Date.now()), 15_000);
  }
}

export const now = new Now();
