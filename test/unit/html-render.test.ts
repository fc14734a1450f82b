// The HTML building blocks and the usage page, without a browser: escaping, bars only for
// priced groups, and chart labels that add up to the table's total for any rows.
import { describe, expect, it } from 'vitest';
import type { UsageRow } from '../../src/core/report.js';
import { prng as random } from '../../src/example/generate.js';
import { fixed } from '../../src/render/format.js';
import { escapeHtml } from '../../src/render/html/escape.js';
import { renderUsageHtml } from '../../src/render/html/usage-html.js';
import { MAX_NAMED_GROUPS, topGroups } from '../../src/render/top-groups.js';
import { NO_USAGE, usageReport, usageRow } from '../helpers/usage-report.js';

const HOSTILE = `<script>alert("x")</script> & 'q'`;

const barCount = (svg: string) =>
  [...svg.matchAll(/<path[^>]*ecmeta_ssr_type="chart"(?![^>]*ecmeta_silent)[^>]*>/g)].length;

describe('escapeHtml', () => {
  it('escapes markup, both quotes and ampersands, and shows control characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
    expect(escapeHtml('evil\u001b[31m\n')).toBe('evil\\x1b[31m\\x0a');
  });
});

describe('renderUsageHtml', () => {
  const rows: UsageRow[] = [
    usageRow({ group: { use_case: HOSTILE }, gpuHours: 10, cost: 30, costShare: 0.75 }),
    usageRow({ group: { use_case: 'chat' }, gpuHours: 5, cost: 10, costShare: 0.25 }),
    usageRow({
      group: { use_case: 'edge' },
      gpuHours: 4,
      cost: null,
      unpricedGpuHours: 4,
      unpricedGpuTypes: ['TPU'],
    }),
  ];
  const report = usageReport(rows, {
    totals: { ...NO_USAGE, gpuHours: 19, cost: 40, unpricedGpuHours: 4, unpricedGpuTypes: ['TPU'] },
    unpricedShare: 4 / 19,
  });
  const html = renderUsageHtml(report);

  it('writes SVG elements whose attributes are all well formed', () => {
    const elements = [...html.matchAll(/<(?:text|path|rect)\b[^>]*>/g)].map(([tag]) => tag);
    expect(elements.length).toBeGreaterThan(10);
    for (const tag of elements) expect(tag).toMatch(/^<\w+(?:\s+[\w:-]+="[^"]*")*\s*>$/);
  });

  it('never lets a label value become markup', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;');
  });

  it('draws a bar per priced group and names the unpriced one instead of drawing zero', () => {
    expect(barCount(html)).toBe(2);
    expect(html).toContain('edge — unpriced, 4.00 GPU-h');
    expect(html).toContain('Unpriced: 4.00 GPU-hours (21.1% of GPU time) of TPU');
    expect(html).toContain('<td class="num unpriced">unpriced</td>');
  });

  it('names the catalogue version and hash, the window and the source', () => {
    expect(html).toContain('catalogue v1 · EUR · hash h');
    expect(html).toContain('2026-11-27T00:00:00Z → 2026-11-28T00:00:00Z  (2026-11-27, UTC)');
    expect(html).toContain('<dt>source</dt><dd>test</dd>');
  });
});

describe('topGroups', () => {
  it('keeps every cent and unpriced hour of any rows, in at most the named groups plus other', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed);
      const count = 1 + Math.floor(next() * 30);
      const rows = Array.from({ length: count }, (_, index) => {
        const unpriced = next() < 0.2;
        return usageRow({
          group: { use_case: `u${Math.floor(next() * 15)}`, model: `m${index % 3}` },
          cost: unpriced ? null : Math.round(next() * 1e6) / 100,
          unpricedGpuHours: unpriced ? next() * 10 : 0,
        });
      });
      const groups = topGroups(rows, ['use_case']);
      const cost = (values: readonly { cost: number | null }[]) =>
        values.reduce((sum, value) => sum + (value.cost ?? 0), 0);
      const hours = (values: readonly { unpricedGpuHours: number }[]) =>
        values.reduce((sum, value) => sum + value.unpricedGpuHours, 0);
      expect(fixed(cost(groups), 2), `seed ${seed}`).toBe(fixed(cost(rows), 2));
      expect(hours(groups)).toBeCloseTo(hours(rows), 9);
      expect(groups.length).toBeLessThanOrEqual(MAX_NAMED_GROUPS + 1);
      expect(groups.reduce((sum, group) => sum + group.members, 0)).toBe(
        new Set(rows.map((row) => row.group.use_case)).size,
      );
    }
  });

  it('shows a bar label per group that adds up to the total row, to the cent', () => {
    for (let seed = 1; seed <= 25; seed++) {
      const next = random(seed);
      const rows = Array.from({ length: 2 + Math.floor(next() * 20) }, (_, index) =>
        usageRow({ group: { use_case: `case-${index}` }, cost: next() * 1000 }),
      );
      const total = rows.reduce((sum, row) => sum + (row.cost ?? 0), 0);
      const html = renderUsageHtml(usageReport(rows, { totals: { ...NO_USAGE, cost: total } }));
      const chart = html.slice(0, html.indexOf('</svg>'));
      // Bar labels carry cents; the axis' ticks do not.
      const labels = [...chart.matchAll(/<text[^>]*>([\d,]+\.\d{2})<\/text>/g)];
      const bars = barCount(chart);
      expect(labels.length, `seed ${seed}`).toBe(bars);
      const cents = labels.reduce(
        (sum, [, text]) => sum + Math.round(Number(text?.replace(/,/g, '')) * 100),
        0,
      );
      expect(cents, `seed ${seed}`).toBe(
        Math.round(Number(fixed(total, 2).replace(/,/g, '')) * 100),
      );
    }
  });
});
