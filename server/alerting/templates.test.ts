import { describe, expect, it } from 'vitest';
import { issueDetails } from '../http/errors.js';
import { SAMPLE_DOWN } from '../testing/alerts.js';
import { buildMessage } from './messages.js';
import { duration, fieldValues, render, unknownFields } from './templates.js';
import { templateSchema } from '../../contracts/alerting-requests.js';

describe('templates', () => {
  const values = fieldValues({ ...SAMPLE_DOWN, monitor: { id: 'm1', name: 'Shop {{reason.code}} ${process.env.X}' } }, 'https://pp.example/x');

  it('substitutes known fields once: a value holding placeholders stays as it is', () => {
    expect(render('{{ monitor.name }} is {{status}} ({{reason.code}})', values)).toBe('Shop {{reason.code}} ${process.env.X} is down (TIMEOUT)');
  });

  it('leaves anything that is not a plain {{field}} alone', () => {
    expect(render('{{#each x}}{{/each}} {{constructor}}{{toString}}{{__proto__}} {{> file}} {% include "/etc/passwd" %}', values)).toBe(
      '{{#each x}}{{/each}} {{__proto__}} {{> file}} {% include "/etc/passwd" %}',
    );
  });

  it('names the unknown fields', () => {
    expect(unknownFields('{{monitor.name}} {{process.env}} {{ constructor.constructor }}')).toEqual(['process.env', 'constructor.constructor']);
  });

  it.each([
    [{ subject: 'Hi {{monitor.secret}}' }, 'subject', 'UNKNOWN_TEMPLATE_FIELD'],
    [{ body: '{{constructor}}' }, 'body', 'UNKNOWN_TEMPLATE_FIELD'],
    [{ body: '{{toString}}' }, 'body', 'UNKNOWN_TEMPLATE_FIELD'],
    [{ body: 'x'.repeat(4001) }, 'body', 'too_big'],
    [{ other: 'x' }, '', 'unrecognized_keys'],
  ])('refuses %j at %s with %s', (input, path, code) => {
    const r = templateSchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(issueDetails(r.error!)[0]).toMatchObject({ path, code });
  });

  it('drops control characters from values', () => {
    expect(render('{{monitor.name}}', { 'monitor.name': 'a\u0000b\u001bc\nd' })).toBe('abc\nd');
  });

  it('renders built-in texts without empty lines for missing fields', () => {
    const m = buildMessage({ id: 'd1', orgId: 'o1', facts: { ...SAMPLE_DOWN, reason: null }, publicUrl: 'https://pp.example' });
    expect(m.title).toBe('🔴 API <prod> & "friends" is down');
    expect(m.text).toBe('Down since 2026-11-29T12:00:00.000Z');
    expect(m.link).toBe('https://pp.example/orgs/o1/monitors/6f1c2a38-8d55-4c1e-9a3e-1f2b3c4d5e6f');
  });

  it('uses a channel\'s own texts', () => {
    const m = buildMessage({ id: 'd1', orgId: 'o1', facts: SAMPLE_DOWN, publicUrl: 'https://pp.example', template: { subject: 'ALERT {{monitor.name}}' } });
    expect(m.title).toBe('ALERT API <prod> & "friends"');
    expect(m.text).toContain('TIMEOUT: No answer');
  });

  it.each([
    [30_000, '30 s'],
    [5 * 60_000, '5 min'],
    [65 * 60_000, '1 h 5 min'],
    [(2 * 1440 + 180 + 7) * 60_000, '2 d 3 h'],
  ])('duration(%i) = %s', (ms, text) => expect(duration(ms)).toBe(text));
});
