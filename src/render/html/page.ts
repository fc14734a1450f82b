// The shell of every HTML page: one self-contained file with inline CSS, light and dark
// schemes, print rules, and the lines that let a reader trace each figure to its source.
import { escapeHtml } from './escape.js';

export interface HtmlPage {
  readonly title: string;
  /** A headline under the title: the finding in one sentence. */
  readonly headline?: string;
  /** pass / fail colours the title, as the terminal table does. */
  readonly verdict?: 'pass' | 'fail';
  /** Window, source, prices…: shown as a definition list. */
  readonly context: readonly string[];
  /** Already-built HTML: charts and tables. */
  readonly sections: readonly string[];
  readonly footnotes: readonly string[];
}

/**
 * Colours of the Okabe–Ito palette, told apart with every common colour-vision deficiency;
 * grey is kept for "other" and yellow left out (it vanishes on white).
 */
export const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#7F6000',
] as const;
export const OTHER_COLOR = '#999999';

/**
 * The charts are drawn with these two colours for text and rules; the page's CSS maps them to
 * its scheme's ink, so one SVG reads on white, on black and on paper.
 */
export const CHART_INK = '#333333';
export const CHART_RULE = '#cccccc';

const CSS = `
:root { color-scheme: light dark; --bg: #ffffff; --ink: #1d1d1f; --muted: #5f6368; --rule: #d9d9de;
  --stripe: #f5f6f8; --pass: #0b6e4f; --fail: #b3261e; --warn-bg: #fff4d6; --warn-ink: #5c4400; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #141416; --ink: #ececf0; --muted: #a2a5ab; --rule: #3a3b40; --stripe: #1d1e22;
    --pass: #5fd0a0; --fail: #ff8a80; --warn-bg: #3b3000; --warn-ink: #ffe08a; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 24px 28px 40px; background: var(--bg); color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 22px; margin: 0 0 4px; }
h1.pass { color: var(--pass); } h1.fail { color: var(--fail); }
h2 { font-size: 16px; margin: 28px 0 8px; }
p.headline { font-size: 17px; margin: 6px 0 14px; }
dl.context { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0 16px;
  color: var(--muted); font-size: 13px; }
dl.context dt { font-weight: 600; } dl.context dd { margin: 0; overflow-wrap: anywhere; }
figure { margin: 8px 0 4px; } figure svg { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 12px; margin-top: 2px; }
.chart [fill="${CHART_INK}"] { fill: var(--ink); } .chart [stroke="${CHART_INK}"] { stroke: var(--ink); }
.chart [stroke="${CHART_RULE}"] { stroke: var(--rule); }
.callout { background: var(--warn-bg); color: var(--warn-ink); border-radius: 6px; padding: 8px 12px; margin: 10px 0; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; font-size: 13px; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top;
  overflow-wrap: break-word; }
td { max-width: 28em; }
th { font-weight: 600; border-bottom: 2px solid var(--ink); white-space: nowrap; }
td.num, th.num, td.period { text-align: right; white-space: nowrap; }
td.period { text-align: left; }
tbody tr:nth-child(even) { background: var(--stripe); }
tfoot td { font-weight: 700; border-top: 2px solid var(--ink); border-bottom: none; }
td.pass { color: var(--pass); font-weight: 700; } td.fail { color: var(--fail); font-weight: 700; }
td.unpriced { color: var(--fail); font-style: italic; }
tr.marginal td:first-child { border-left: 4px solid var(--fail); }
ul.footnotes { color: var(--muted); font-size: 12.5px; padding-left: 18px; }
footer { color: var(--muted); font-size: 11.5px; margin-top: 24px; }
@media print {
  :root { color-scheme: light; --bg: #fff; --ink: #000; --muted: #333; --rule: #bbb; --stripe: #f3f3f3; }
  body { max-width: none; padding: 0; font-size: 11px; }
  figure, tr { break-inside: avoid; } h2 { break-after: avoid; }
  .table-wrap { overflow: visible; }
}
`;

/** "window  2026-09-01 → …" becomes a term and its description. */
function contextItem(line: string): string {
  const match = /^(.+?) {2,}(.*)$/.exec(line);
  if (!match) return `<dt></dt><dd>${escapeHtml(line)}</dd>`;
  return `<dt>${escapeHtml(match[1] ?? '')}</dt><dd>${escapeHtml(match[2] ?? '')}</dd>`;
}

export function htmlPage(page: HtmlPage): string {
  const verdict = page.verdict ? ` class="${page.verdict}"` : '';
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing on the page may reach the network: no scripts, no fonts, no images from elsewhere.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="generator" content="ml-cost">',
    `<title>${escapeHtml(page.title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<h1${verdict}>${escapeHtml(page.title)}</h1>`,
    ...(page.headline ? [`<p class="headline">${escapeHtml(page.headline)}</p>`] : []),
    `<dl class="context">${page.context.map(contextItem).join('')}</dl>`,
    ...page.sections,
    ...(page.footnotes.length > 0
      ? [
          `<ul class="footnotes">${page.footnotes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul>`,
        ]
      : []),
    '<footer>Made by ml-cost. Every figure in the charts is in the table under it.</footer>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** A titled part of the page. */
export function section(title: string, ...parts: readonly string[]): string {
  return [`<section>`, `<h2>${escapeHtml(title)}</h2>`, ...parts, '</section>'].join('\n');
}

/** A visible warning, e.g. usage that has no price and so is in no chart. */
export function callout(text: string): string {
  return `<p class="callout" role="note">${escapeHtml(text)}</p>`;
}
