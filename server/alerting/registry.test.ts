import { describe, expect, it } from 'vitest';
import { builtinNotifiers } from './notifiers/index.js';
import { MASK } from '../../contracts/secrets.js';
import { NotifierRegistry } from './registry.js';

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
    expect(registry.secrets.mask('webhook', { url: 'https://x.example/h', headers: { Authorization: 'Bearer t', 'X-A': 'b' } })).toEqual({
      url: 'https://x.example/h',
      headers: { Authorization: MASK, 'X-A': MASK },
    });
    expect(registry.secrets.mask('email', { host: 'smtp.example', password: 'p', to: ['a@b.c'] })).toEqual({ host: 'smtp.example', password: MASK, to: ['a@b.c'] });
    expect(registry.secrets.mask('email', { host: 'smtp.example' })).toEqual({ host: 'smtp.example' });
    expect(registry.secrets.mask('slack', { url: 'https://hooks.slack.com/services/T/B/x' })).toEqual({ url: MASK });
  });

  it('keeps stored secrets that come back masked or left out, while the target stays', () => {
    const stored = { host: 'smtp.example', password: 'p', headers: { A: '1', B: '2' } };
    const edit = (id: string, incoming: Record<string, unknown>, from: Record<string, unknown>) => registry.secrets.edit(id, incoming, from);
    expect(edit('email', { host: 'smtp.example', password: MASK }, stored).config).toEqual({ host: 'smtp.example', password: 'p' });
    expect(edit('email', { host: 'smtp.example' }, stored).config).toEqual({ host: 'smtp.example', password: 'p' });
    expect(edit('email', { host: 'smtp2.example', password: 'new' }, stored).config).toEqual({ host: 'smtp2.example', password: 'new' });
    expect(edit('webhook', { url: 'https://x', headers: { A: MASK, C: '3' } }, { url: 'https://x', headers: { A: '1', B: '2' } }).config).toEqual({
      url: 'https://x',
      headers: { A: '1', C: '3' },
    });
    // Another host: the stored password does not follow it.
    expect(edit('email', { host: 'smtp2.example', password: MASK }, stored)).toMatchObject({ refused: ['password'], cleared: [] });
    expect(edit('email', { host: 'smtp2.example' }, stored)).toEqual({ config: { host: 'smtp2.example' }, refused: [], cleared: ['password'] });
    expect(edit('webhook', { url: 'https://evil.example/h', headers: { A: MASK } }, { url: 'https://x/h', headers: { A: '1' } }).refused).toEqual(['headers.A']);
  });

  it('refuses a notifier written for an unknown SDK version', () => {
    expect(() => new NotifierRegistry([{ ...builtinNotifiers.slack, apiVersion: 2 as 1 }])).toThrow('unknown apiVersion 2');
  });
});
