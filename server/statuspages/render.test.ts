/** Rendering without a database: Markdown, CSS sanitizing, escaping, badges, feeds and pages. */
import { describe, expect, it } from 'vitest';
import { derivePage } from './derive.js';
import type { PageRecord } from './load.js';
import { badgeSvg } from './render/badge.js';
import { sanitizeCss } from './render/css.js';
import { esc } from './render/escape.js';
import { atomFeed, rssFeed } from './render/feeds.js';
import type { Frame } from './render/layout.js';
import { markdownHtml } from './render/markdown-html.js';
import { incidentPageHtml, passwordPageHtml, statusPageHtml } from './render/page.js';
import { subscribedHtml, subscribeRefusedHtml, subscriptionsClosedHtml } from './render/subscribe.js';
import { activeContent, parseXml, textOf, walk, XSS } from './xml.js';


describe('markdown', () => {
  it.each([
    ['paragraphs and line breaks', 'one\ntwo\n\nthree', '<p>one<br/>two</p><p>three</p>'],
    ['emphasis', '**bold** and *it* and _it_ but snake_case_name', '<p><strong>bold</strong> and <em>it</em> and <em>it</em> but snake_case_name</p>'],
    ['inline code keeps markup as text', 'run `<b>x</b>` now', '<p>run <code>&lt;b&gt;x&lt;/b&gt;</code> now</p>'],
    ['fenced code', '```\n<script>\n```', '<pre><code>&lt;script&gt;</code></pre>'],
    ['bullets', '- a\n- **b**\n  more', '<ul><li>a</li><li><strong>b</strong><br/>more</li></ul>'],
    ['numbers', '3. x\n4. y', '<ol start="3"><li>x</li><li>y</li></ol>'],
    ['https link', '[docs](https://example.com/a?b=1&c=2)', '<p><a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener noreferrer">docs</a></p>'],
    ['mailto link', '[mail](mailto:ops@example.com)', '<p><a href="mailto:ops@example.com" rel="nofollow noopener noreferrer">mail</a></p>'],
    ['javascript link keeps only its words', '[click](javascript:alert(1))', '<p>click</p>'],
    ['data link keeps only its words', '[x](data:text/html;base64,PHNjcmlwdD4=)', '<p>x</p>'],
    ['relative link keeps only its words', '[x](/admin)', '<p>x</p>'],
    ['bare URL', 'see https://example.com/x.', '<p>see <a href="https://example.com/x" rel="nofollow noopener noreferrer">https://example.com/x</a>.</p>'],
    ['raw HTML is text', '<img src=x onerror=alert(1)>', '<p>&lt;img src=x onerror=alert(1)&gt;</p>'],
    ['heading becomes strong', '## Update', '<p><strong>Update</strong></p>'],
    ['unclosed markers stay', '**a *b', '<p>**a *b</p>'],
  ])('%s', (_n, source, expected) => {
    expect(markdownHtml(source).value).toBe(expected);
  });

  it.each(XSS.map((x) => [x]))('renders %j inert', (payload) => {
    const out = markdownHtml(`${payload}\n\n- ${payload}\n\n[${payload}](${payload})`).value;
    const root = parseXml(`<div>${out}</div>`);
    expect(activeContent(root)).toEqual([]);
    expect([...walk(root)].map((e) => e.name).every((n) => ['div', 'p', 'ul', 'li', 'br', 'a', 'em', 'strong', 'code', 'pre'].includes(n))).toBe(true);
  });
});

describe('custom CSS', () => {
  it.each([
    ['@import', '@import url(https://evil.example/x.css); body { color: red }', /import|evil/],
    ['url()', 'body { background: url(https://evil.example/p.png); color: red }', /url|evil/],
    ['escaped url()', 'body { background: u\\72l(https://evil.example/p.png) }', /evil/],
    ['expression()', 'div { width: expression(alert(1)) }', /expression|alert/],
    ['javascript:', 'a { background-image: "javascript:alert(1)" }', /javascript/],
    ['behavior', 'div { behavior: url(x.htc) }', /behavior|htc/],
    ['-moz-binding', 'div { -moz-binding: url(x.xml#xss) }', /binding/],
    ['</style>', 'a { color: red } </style><script>alert(1)</script>', /<|script>/],
    ['@font-face', '@font-face { font-family: x; src: url(https://evil.example/f.woff) } p { color: blue }', /font-face|evil/],
    ['comment hiding', 'a { back/**/ground: u/**/rl(https://evil.example) }', /evil/],
    ['image-set', 'a { background: image-set("https://evil.example/a.png" 1x) }', /evil/],
  ])('drops %s', (_n, input, forbidden) => {
    const out = sanitizeCss(input);
    expect(out).not.toMatch(forbidden);
  });

  it('keeps ordinary rules, @media and a brand colour', () => {
    const out = sanitizeCss('.top h1 { color: #ff0000; font-weight: 700 }\n@media (max-width: 40rem) { .top { padding: 0 } }');
    expect(out).toContain('color: #ff0000');
    expect(out).toContain('@media (max-width: 40rem) {');
    expect(out).toContain('padding: 0');
  });

  it('keeps the rules after a dropped at-rule, with braces balanced', () => {
    const out = sanitizeCss('@font-face { src: url(x) } @supports (display: grid) { a { b: c } } p { color: red } }}}');
    expect(out).toContain('p {color: red;}');
    expect(out.split('{').length).toBe(out.split('}').length);
  });
});

describe('escaping', () => {
  it('escapes markup and drops characters XML forbids', () => {
    expect(esc(`<a href="x">'&</a>\u0000\uFFFF\uD800`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&lt;/a&gt;');
  });
});

describe('badges', () => {
  it.each([
    ['status', 'operational', 'green'],
    ['<script>', '"&\'', 'red'],
  ] as const)('%s: %s is a valid SVG with an accessible name', (label, message, color) => {
    const svg = parseXml(badgeSvg(label, message, color));
    expect(svg.name).toBe('svg');
    expect(svg.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(svg.attrs['aria-label']).toBe(`${label}: ${message}`);
    expect(activeContent(svg)).toEqual([]);
  });
});

const NOW = Date.UTC(2026, 10, 29, 12);

function record(overrides: Partial<PageRecord> = {}): PageRecord {
  const payload = XSS.join(' ');
  return {
    id: '11111111-1111-4111-8111-111111111111',
    orgId: '22222222-2222-4222-8222-222222222222',
    slug: 'acme',
    title: `Acme ${payload}`,
    description: payload,
    logoUrl: 'javascript:alert(1)',
    brandColor: '#ff0000',
    customDomain: null,
    passwordHash: null,
    showUptime: true,
    showLatency: true,
    autoIncidents: false,
    footerLinks: [{ label: payload, url: 'https://example.com/' }, { label: 'bad', url: 'javascript:alert(1)' }],
    customCss: null,
    updatedAt: new Date(NOW).toISOString(),
    components: [
      { id: 'c1', name: payload, description: payload, group: payload, position: 0, monitorIds: ['m1'], showUptime: true, showLatency: true, manualStatus: 'operational' },
      { id: 'c2', name: 'Manual', description: null, group: null, position: 1, monitorIds: [], showUptime: false, showLatency: false, manualStatus: 'degraded_performance' },
    ],
    incidents: [
      {
        id: 'i1',
        title: payload,
        impact: 'major',
        status: 'identified',
        startedAt: new Date(NOW - 3_600_000).toISOString(),
        resolvedAt: null,
        updatedAt: new Date(NOW).toISOString(),
        components: [{ id: 'c1', status: 'partial_outage' }],
        updates: [{ id: 'u1', status: 'identified', message: `${payload}\n\n[x](javascript:alert(1)) **${payload}**`, at: new Date(NOW).toISOString() }],
      },
    ],
    maintenances: [
      { id: 'mm1', title: payload, description: payload, startsAt: new Date(NOW + 3_600_000).toISOString(), endsAt: new Date(NOW + 7_200_000).toISOString(), componentIds: ['c1'], monitorIds: [] },
    ],
    days: new Map([['c1', new Map([['2026-11-29', { checks: 100, upSeconds: 99 * 60, downSeconds: 60 }]])]]),
    checked90d: new Map(),
    latency: new Map([['c1', 123.4]]),
    monitors: new Map(),
    ...overrides,
  };
}

function derived(r = record()) {
  return derivePage({ record: r, monitorStatus: () => 'up', inMaintenance: () => false, now: NOW, updatedAt: new Date(NOW).toISOString() });
}

const frame = (r = record()): Frame => ({ record: r, base: '/status/acme', themeVersion: 'abc', cssVersion: 'def', scriptUrl: '/assets/status.js' });

describe('pages with hostile content', () => {
  it('the status page parses and runs nothing but our script', () => {
    const html = statusPageHtml(frame(), derived(), false);
    const root = parseXml(html);
    expect(activeContent(root)).toEqual([]);
    const scripts = [...walk(root)].filter((e) => e.name === 'script');
    expect(scripts).toHaveLength(1);
    const text = textOf(root);
    expect(text).toContain('<script>alert(1)</script>'); // shown as text, not run
    expect(text).toContain('123 ms');
    expect([...walk(root)].filter((e) => e.name === 'img')).toHaveLength(0); // the javascript: logo is dropped
    const bars = [...walk(root)].filter((e) => e.name === 'ol' && e.attrs.class === 'bars');
    expect(bars).toHaveLength(1);
    expect(bars[0]!.children.filter((c) => typeof c !== 'string')).toHaveLength(90);
    expect(html).toContain('title="29 Nov 2026: 99.00% uptime');
  });

  it('the incident page and the password form parse and run nothing', () => {
    const d = derived();
    for (const html of [incidentPageHtml(frame(), d, d.history[0]!, false), passwordPageHtml(frame(), 'Wrong <b>password</b>')]) {
      const root = parseXml(html);
      expect(activeContent(root)).toEqual([]);
    }
  });

  it('the subscribe form and the pages it answers parse and run nothing', () => {
    const d = derived();
    const f = { ...frame(), subscribe: { email: true } };
    const values = { email: XSS.join(' '), webhookUrl: XSS.join(' '), componentIds: ['c1', XSS[0]!] };
    const problem = { summary: XSS.join(' '), fields: { email: XSS.join(' '), webhookUrl: 'x', componentIds: 'y' } };
    for (const html of [statusPageHtml(f, d, false), subscribeRefusedHtml(f, d, values, problem), subscribedHtml(f, d, values), subscriptionsClosedHtml(f)]) {
      const root = parseXml(html);
      expect(activeContent(root)).toEqual([]);
    }
    const form = [...walk(parseXml(statusPageHtml(f, d, false)))].filter((e) => e.name === 'form');
    expect(form.map((e) => [e.attrs.method, e.attrs.action])).toEqual([['post', '/status/acme/subscriptions']]);
    const boxes = [...walk(parseXml(subscribeRefusedHtml(f, d, values, problem)))].filter((e) => e.name === 'input' && e.attrs.type === 'checkbox');
    expect(boxes.map((b) => [b.attrs.value, b.attrs.checked])).toEqual([['c1', ''], ['c2', undefined]]);
  });

  it('offers webhooks only when the server cannot send e-mail, and nothing without subscriptions', () => {
    const d = derived();
    const webhookOnly = statusPageHtml({ ...frame(), subscribe: { email: false } }, d, false);
    expect(webhookOnly).toContain('name="webhookUrl"');
    expect(webhookOnly).not.toContain('name="email"');
    expect(webhookOnly).toContain('<a href="/status/acme#subscribe">Webhook</a>');
    const none = statusPageHtml(frame(), d, false);
    expect(none).not.toContain('id="subscribe"');
    expect(none).not.toContain('sub-link');
    expect(none).toContain('<p>Subscribe: <a href="/status/acme/feed.atom">Atom</a>');
  });

  it.each([
    ['Atom', atomFeed, 'feed'],
    ['RSS', rssFeed, 'rss'],
  ] as const)('the %s feed is well-formed with every entry', (_n, feed, rootName) => {
    const xml = feed(record(), derived(), 'https://status.example.com');
    const root = parseXml(xml);
    expect(root.name).toBe(rootName);
    const entries = [...walk(root)].filter((e) => e.name === (rootName === 'feed' ? 'entry' : 'item'));
    expect(entries).toHaveLength(2); // one incident, one maintenance
    if (rootName === 'feed') {
      expect(root.attrs.xmlns).toBe('http://www.w3.org/2005/Atom');
      for (const e of entries) for (const tag of ['id', 'title', 'updated']) expect(e.children.some((c) => typeof c !== 'string' && c.name === tag)).toBe(true);
    }
    // The HTML inside the feed, unescaped once, is inert too.
    for (const e of entries) {
      const body = [...walk(e)].find((x) => x.name === 'content' || x.name === 'description')!;
      expect(activeContent(parseXml(`<div>${textOf(body)}</div>`))).toEqual([]);
    }
  });
});

describe('links to the page\'s feeds and JSON (issue 13, rough edge 4)', () => {
  const alternates = (html: string) =>
    [...walk(parseXml(html))].filter((e) => e.name === 'link' && e.attrs.rel === 'alternate').map((e) => [e.attrs.type, e.attrs.href]);
  const footerLinks = (html: string) => {
    const footer = [...walk(parseXml(html))].find((e) => e.name === 'footer')!;
    return [...walk(footer)].filter((e) => e.name === 'a').map((e) => [textOf(e), e.attrs.href]);
  };

  it.each([
    ['under /status/acme', '/status/acme'],
    ['on its custom domain', ''],
  ])('the status page %s names its feeds and JSON in the head and links them in the footer', (_n, base) => {
    const html = statusPageHtml({ ...frame(), base }, derived(), false);
    const expected = [
      ['application/atom+xml', `${base}/feed.atom`],
      ['application/rss+xml', `${base}/feed.rss`],
      ['application/json', '/api/v1/public/status-pages/acme'],
    ];
    expect(alternates(html)).toEqual(expected);
    expect(footerLinks(html).filter(([text]) => ['Atom', 'RSS', 'JSON'].includes(text!))).toEqual([
      ['Atom', `${base}/feed.atom`],
      ['RSS', `${base}/feed.rss`],
      ['JSON', '/api/v1/public/status-pages/acme'],
    ]);
  });

  it('the incident page links them too', () => {
    const d = derived();
    const html = incidentPageHtml(frame(), d, d.history[0]!, false);
    expect(alternates(html).map(([type]) => type)).toEqual(['application/atom+xml', 'application/rss+xml', 'application/json']);
    expect(footerLinks(html).map(([text]) => text)).toEqual(expect.arrayContaining(['Atom', 'RSS', 'JSON']));
  });

  it('the password form offers none of them: each would answer "password required"', () => {
    const html = passwordPageHtml(frame(record({ passwordHash: 'x' })), null);
    expect(alternates(html)).toEqual([]);
    expect(html).not.toMatch(/feed\.atom|feed\.rss|\/api\/v1\/public/);
  });
});
