// What an HTML page's charts are made of, without coordinates: element kinds, ECharts' series
// and data indexes, fills and texts. A snapshot of it shows in review when a library upgrade
// or a change of ours redraws a picture; pixels would change on every font update.
export function svgStructure(html: string): string[] {
  const charts = [...html.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((match) => match[0]);
  return charts.map((svg, index) => {
    const lines: string[] = [`chart ${index + 1}`];
    for (const element of svg.matchAll(/<(path|text|rect|g)\b([^>]*)>([^<]*)/g)) {
      const [, tag, attributes = '', text = ''] = element;
      const attribute = (name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(attributes)?.[1];
      const kind = attribute('ecmeta_ssr_type');
      const parts = [tag];
      if (kind)
        parts.push(
          `${kind}[${attribute('ecmeta_series_index')}:${attribute('ecmeta_data_index')}]`,
        );
      const fill = attribute('fill');
      if (fill && fill !== 'none' && tag !== 'text') parts.push(`fill=${fill}`);
      if (tag === 'text') parts.push(JSON.stringify(text.trim()));
      lines.push(parts.join(' '));
    }
    return lines.join('\n');
  });
}
