import { describe, expect, it } from 'vitest';
import { StartupError } from '../errors.js';
import { systemMailFromUrl } from './mail.js';

describe('systemMailFromUrl', () => {
  it.each([
    ['smtp://mail.example.com', { host: 'mail.example.com', port: 587, security: 'starttls' }],
    ['smtps://u%40x:p%3Ass@mail.example.com', { host: 'mail.example.com', port: 465, security: 'tls', username: 'u@x', password: 'p:ss' }],
    ['smtp://relay.internal:25?security=none', { host: 'relay.internal', port: 25, security: 'none' }],
  ])('%s', (url, want) => {
    expect(systemMailFromUrl(url, 'status@example.com')).toEqual({ fromName: 'PingPage', from: 'status@example.com', ...want });
  });

  it.each([
    ['http://mail.example.com', 'status@example.com', 'SMTP_URL: use smtp:// or smtps://'],
    ['not a url', 'status@example.com', 'SMTP_URL: not a URL'],
    ['smtp://mail.example.com', 'nobody', 'SMTP_URL/MAIL_FROM: from: Invalid email address'],
  ])('refuses %s from %s', (url, from, message) => {
    expect(() => systemMailFromUrl(url, from)).toThrow(StartupError);
    expect(() => systemMailFromUrl(url, from)).toThrow(message);
  });
});
