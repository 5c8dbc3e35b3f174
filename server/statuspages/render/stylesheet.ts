/**
 * The stylesheet every public page links (served at /status/_/status.css). Colours come from
 * custom properties: the page's theme.css sets --brand; dark mode follows the visitor's system.
 * Status colours keep at least 4.5:1 contrast for their text in both schemes.
 */
export const STATUS_CSS = `
:root {
  color-scheme: light dark;
  --brand: #2563eb;
  --bg: #f7f8fa; --card: #ffffff; --text: #1a1d23; --muted: #5b6270; --line: #e2e5ea;
  --ok: #15803d; --ok-bg: #dcfce7;
  --minor: #a16207; --minor-bg: #fef9c3;
  --major: #c2410c; --major-bg: #ffedd5;
  --critical: #b91c1c; --critical-bg: #fee2e2;
  --maint: #1d4ed8; --maint-bg: #dbeafe;
  --nodata: #d4d8df;
  --link: var(--brand);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  line-height: 1.5;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1115; --card: #171a21; --text: #e8eaee; --muted: #a2a9b6; --line: #2a2f3a;
    --ok: #4ade80; --ok-bg: #12331f;
    --minor: #facc15; --minor-bg: #3a3210;
    --major: #fb923c; --major-bg: #3d2212;
    --critical: #f87171; --critical-bg: #3f1616;
    --maint: #93c5fd; --maint-bg: #172a4a;
    --nodata: #3a404c;
    /* a brand colour chosen for white backgrounds is too dark here: lighten it for text */
    --link: color-mix(in srgb, var(--brand) 45%, #ffffff);
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); }
a { color: var(--link); }
a:focus-visible, button:focus-visible, input:focus-visible { outline: 3px solid var(--brand); outline-offset: 2px; }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 1rem; top: 1rem; background: var(--card); padding: .5rem 1rem; z-index: 1; }
.wrap { max-width: 52rem; margin: 0 auto; padding: 0 1rem; }
.top { border-top: 4px solid var(--brand); background: var(--card); border-bottom: 1px solid var(--line); }
.top .wrap { display: flex; align-items: center; gap: 1rem; padding-top: 1.25rem; padding-bottom: 1.25rem; flex-wrap: wrap; }
.top img { max-height: 3rem; max-width: 12rem; }
.top h1 { font-size: 1.5rem; margin: 0; }
.top h1 a { color: inherit; text-decoration: none; }
.top p { margin: .25rem 0 0; color: var(--muted); }
main.wrap { padding-top: 1.5rem; padding-bottom: 2rem; }
h2 { font-size: 1.125rem; margin: 2rem 0 .75rem; }
h3 { font-size: 1rem; margin: 0; }
.overall { display: flex; align-items: center; gap: .75rem; padding: 1rem 1.25rem; border-radius: .5rem; font-size: 1.125rem; font-weight: 600; background: var(--ok-bg); color: var(--ok); }
.overall .live { margin-left: auto; font-size: .8rem; font-weight: 500; color: var(--muted); }
.overall .live::before { content: ""; display: inline-block; width: .5rem; height: .5rem; border-radius: 50%; background: currentColor; margin-right: .35rem; vertical-align: middle; }
.overall .live.on { color: var(--ok); }
.s-operational { --fg: var(--ok); --bgc: var(--ok-bg); }
.s-degraded_performance { --fg: var(--minor); --bgc: var(--minor-bg); }
.s-partial_outage { --fg: var(--major); --bgc: var(--major-bg); }
.s-major_outage { --fg: var(--critical); --bgc: var(--critical-bg); }
.s-under_maintenance { --fg: var(--maint); --bgc: var(--maint-bg); }
.overall[class*="s-"] { background: var(--bgc); color: var(--fg); }
.pill { display: inline-block; font-size: .8rem; font-weight: 600; padding: .1rem .6rem; border-radius: 999px; white-space: nowrap; background: var(--bgc, var(--line)); color: var(--fg, var(--text)); }
.i-investigating, .i-identified { --fg: var(--major); --bgc: var(--major-bg); }
.i-monitoring { --fg: var(--minor); --bgc: var(--minor-bg); }
.i-resolved { --fg: var(--ok); --bgc: var(--ok-bg); }
.m-scheduled, .m-in_progress { --fg: var(--maint); --bgc: var(--maint-bg); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: .5rem; padding: 1rem 1.25rem; margin-bottom: .75rem; }
.card.impact-minor { border-left: 4px solid var(--minor); }
.card.impact-major { border-left: 4px solid var(--major); }
.card.impact-critical { border-left: 4px solid var(--critical); }
.card.maintenance { border-left: 4px solid var(--maint); }
#resolved { margin-top: .75rem; }
.note.resolved { display: flex; gap: .5rem; flex-wrap: wrap; align-items: center; margin: 0 0 .75rem; padding: .6rem 1rem; border: 1px solid var(--line); border-left: 4px solid var(--ok); border-radius: .5rem; background: var(--card); }
.meta { color: var(--muted); font-size: .875rem; margin: .25rem 0 .5rem; display: flex; gap: .5rem; flex-wrap: wrap; align-items: center; }
.timeline { list-style: none; margin: 0; padding: 0; }
.timeline > li { border-top: 1px solid var(--line); padding: .5rem 0; }
.timeline > li:first-child { border-top: 0; }
.upd-head { margin: 0; font-size: .875rem; color: var(--muted); }
.upd-head strong { color: var(--text); }
.md p, .md ul, .md ol, .md pre { margin: .25rem 0; }
.md pre { overflow-x: auto; background: var(--bg); padding: .5rem; border-radius: .25rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9em; }
.comps + .comps, .group + .group, .comps + .group, .group + .comps { margin-top: 1rem; }
.group > h3 { margin: 1rem 0 .5rem; color: var(--muted); font-size: .875rem; text-transform: uppercase; letter-spacing: .04em; }
.comps { list-style: none; margin: 0; padding: 0; background: var(--card); border: 1px solid var(--line); border-radius: .5rem; }
.comp { padding: .9rem 1.25rem; border-top: 1px solid var(--line); }
.comp:first-child { border-top: 0; }
.comp-head { display: flex; justify-content: space-between; gap: 1rem; align-items: baseline; flex-wrap: wrap; }
.comp-name { font-weight: 600; }
.comp-desc { display: block; color: var(--muted); font-size: .875rem; font-weight: 400; }
.bars { display: flex; gap: 2px; list-style: none; margin: .6rem 0 .25rem; padding: 0; height: 2rem; }
.bars > li { flex: 1; border-radius: 2px; background: var(--ok); min-width: 1px; position: relative; }
.bars > li:hover { opacity: .75; }
.bars > .nd { background: var(--nodata); }
.bars > .mi { background: var(--minor); }
.bars > .ma { background: var(--major); }
.bars > .cr { background: var(--critical); }
.legend { display: flex; justify-content: space-between; gap: .5rem; color: var(--muted); font-size: .75rem; }
.history h3 { font-size: .95rem; margin: 1.25rem 0 .25rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
.history ul { list-style: none; padding: 0; margin: 0; }
.history li { padding: .35rem 0; }
.empty { color: var(--muted); }
footer { border-top: 1px solid var(--line); padding: 1.25rem 0 2rem; color: var(--muted); font-size: .875rem; }
footer ul { list-style: none; padding: 0; margin: 0 0 .5rem; display: flex; gap: 1rem; flex-wrap: wrap; }
.unlock { max-width: 24rem; margin: 3rem auto; }
.unlock label { display: block; font-weight: 600; margin-bottom: .25rem; }
.unlock input { width: 100%; padding: .5rem; font-size: 1rem; border: 1px solid var(--line); border-radius: .25rem; background: var(--card); color: var(--text); }
.unlock button { margin-top: .75rem; padding: .5rem 1rem; font-size: 1rem; border: 0; border-radius: .25rem; background: var(--brand); color: #fff; cursor: pointer; }
.error { color: var(--critical); }
.top .sub-link { margin-left: auto; padding: .4rem .9rem; border: 1px solid var(--link); border-radius: .25rem; text-decoration: none; font-weight: 600; font-size: .9rem; white-space: nowrap; }
.top .sub-link:hover { background: var(--bg); }
.sub { max-width: 34rem; }
.sub > .hint:first-child { margin-top: 0; }
.hint { color: var(--muted); font-size: .875rem; margin: .25rem 0; }
.sub .field { margin: .9rem 0; }
.sub label { display: block; font-weight: 600; margin-bottom: .25rem; }
.sub input[type="email"], .sub input[type="url"] { width: 100%; padding: .5rem; font-size: 1rem; border: 1px solid color-mix(in srgb, var(--muted) 55%, var(--line)); border-radius: .25rem; background: var(--card); color: var(--text); }
.sub input[aria-invalid="true"] { border-color: var(--critical); box-shadow: 0 0 0 1px var(--critical); }
.sub details { margin: .75rem 0; }
.sub summary { cursor: pointer; color: var(--link); width: fit-content; }
.sub details[open] > summary { margin-bottom: .25rem; }
.sub fieldset { border: 0; padding: 0; margin: 0; min-width: 0; }
.sub-choices { list-style: none; padding: 0; margin: .5rem 0 0; columns: 2 13rem; column-gap: 1.5rem; }
.sub-choices li { break-inside: avoid; padding: .15rem 0; }
.sub-choices label { display: flex; gap: .5rem; align-items: baseline; font-weight: 400; margin: 0; cursor: pointer; }
.sub input[type="checkbox"] { accent-color: var(--brand); width: 1rem; height: 1rem; flex: none; }
.sub button { margin: .5rem 0; padding: .55rem 1.25rem; font-size: 1rem; font-weight: 600; border: 0; border-radius: .25rem; background: var(--brand); color: #fff; cursor: pointer; }
.field-error { color: var(--critical); font-size: .875rem; margin: .25rem 0 0; }
.sub-problem { border-left: 4px solid var(--critical); background: var(--critical-bg); border-radius: .25rem; padding: .5rem .75rem; margin: .75rem 0; }
.sub-problem p { margin: 0; }
.sub-done { max-width: 34rem; margin: 1rem auto; }
.sub-done h2 { margin-top: .25rem; }
.sub-done .url { overflow-wrap: anywhere; }
.back { display: inline-block; margin-bottom: 1rem; }
.legend .d30 { display: none; }
@media (max-width: 40rem) {
  .bars { height: 1.5rem; gap: 1px; }
  .comp { padding: .75rem 1rem; }
  /* 30 bars stay readable on a phone; the 90-day figure still covers all 90 */
  .bars > li:nth-child(-n+60) { display: none; }
  .legend .d90 { display: none; }
  .legend .d30 { display: inline; }
}
@media (prefers-reduced-motion: reduce) { * { transition: none !important; } }
`;
