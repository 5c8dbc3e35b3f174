/**
 * The domain event bus: event name → payload type, listeners called synchronously in the order
 * they subscribed. A listener that throws, or whose promise rejects, is logged (event and
 * listener name) and counted, and never reaches the emitter nor stops the listeners after it:
 * the write that emitted has been committed by then.
 */
import type { Logger } from './log.js';

/** May be async: its rejection is caught like a throw. */
export type Listener<T> = (payload: T) => void;

/** What a domain needs of the bus: its own part of the event map (server/events.ts joins them). */
export interface EventBus<M> {
  on<K extends keyof M>(event: K, listener: Listener<M[K]>): () => void;
  emit<K extends keyof M>(event: K, payload: M[K]): void;
}

export class Bus<M> implements EventBus<M> {
  /** Per event, the listeners in subscription order; replaced (never mutated) on subscribe and unsubscribe, so an emit in progress delivers to the listeners it began with. */
  readonly #listeners = new Map<PropertyKey, ReadonlyArray<Listener<never>>>();
  /** Listeners that threw or rejected, since start. */
  failures = 0;

  constructor(private readonly log?: Logger) {}

  /** Subscribes; returns the unsubscribe function (which removes this subscription only). */
  on<K extends keyof M>(event: K, listener: Listener<M[K]>): () => void {
    const entry = listener as Listener<never>;
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), entry]);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      const list = this.#listeners.get(event) ?? [];
      const at = list.indexOf(entry);
      if (at >= 0) this.#listeners.set(event, [...list.slice(0, at), ...list.slice(at + 1)]);
    };
  }

  emit<K extends keyof M>(event: K, payload: M[K]): void {
    const list = this.#listeners.get(event);
    if (!list) return;
    for (const listener of list as ReadonlyArray<Listener<M[K]>>) {
      try {
        const result: unknown = listener(payload);
        if (result instanceof Promise) result.catch((err: unknown) => this.#failed(err, event, listener));
      } catch (err) {
        this.#failed(err, event, listener);
      }
    }
  }

  #failed(err: unknown, event: keyof M, listener: Listener<never>): void {
    this.failures++;
    this.log?.error({ err, event: String(event), listener: listener.name || 'anonymous' }, 'an event listener failed');
  }
}
