import { describe, expect, it } from 'vitest';
import { builtinNotifiers } from './notifiers/index.js';
import { MASK, NotifierRegistry } from './registry.js';

const registry = new NotifierRegistry(Object.values(builtinNotifiers));

describe('notifier registry', () => {
  it('lists every built-in with its config as JSON Schema', () => {
    expect(registry.list().map((n) => n.id)).toEqual(['webhook', 'slack', 'discord', 'teams', 'email', 'ntfy']);
    for (const n of registry.list()) {
      expect(n.configSchema).toMatchObject({ type: 'object' });
      expect(n.title).toBeTruthy();
    }
  });

  it('masks secrets, record values included, and nothing else', () => {
    expect(registry.mask('webhook', { url: 'https://x.example/h', headers: { Authorization: 'Bearer t', 'X-A': 'b' } })).toEqual({
      url: 'https://x.example/h',
      headers: { Authorization: MASK, 'X-A': MASK },
    });
    expect(registry.mask('email', { host: 'smtp.example', password: 'p', to: ['a@b.c'] })).toEqual({ host: 'smtp.example', password: MASK, to: ['a@b.c'] });
    expect(registry.mask('email', { host: 'smtp.example' })).toEqual({ host: 'smtp.example' });
    expect(registry.mask('slack', { url: 'https://hooks.slack.com/services/T/B/x' })).toEqual({ url: MASK });
  });

  it('keeps stored secrets that come back masked or left out', () => {
    const stored = { host: 'smtp.example', password: 'p', headers: { A: '1', B: '2' } };
    expect(registry.keepSecrets('email', { host: 'smtp2.example', password: MASK }, stored)).toEqual({ host: 'smtp2.example', password: 'p' });
    expect(registry.keepSecrets('email', { host: 'smtp2.example' }, stored)).toEqual({ host: 'smtp2.example', password: 'p' });
    expect(registry.keepSecrets('email', { host: 'smtp2.example', password: 'new' }, stored)).toEqual({ host: 'smtp2.example', password: 'new' });
    expect(registry.keepSecrets('webhook', { url: 'https://x', headers: { A: MASK, C: '3' } }, { url: 'https://x', headers: { A: '1', B: '2' } })).toEqual({
      url: 'https://x',
      headers: { A: '1', C: '3' },
    });
  });

  it('refuses a notifier written for an unknown SDK version', () => {
    expect(() => new NotifierRegistry([{ ...builtinNotifiers.slack, apiVersion: 2 as 1 }])).toThrow('unknown apiVersion 2');
  });
});
