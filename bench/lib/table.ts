/** The terminal table: one row per figure, median with min and max beside it, and its target. */
import type { BenchmarkSummary, FigureSummary } from './types.ts';

export function formatNumber(value: number, decimals?: number): string {
  if (!Number.isFinite(value)) return '-';
  const d = decimals ?? (Math.abs(value) >= 100 ? 0 : 1);
  return value.toLocaleString('en', { minimumFractionDigits: d, maximumFractionDigits: d });
}

export function targetText(f: FigureSummary): string {
  if (!f.target) return '';
  const sign = f.target.op === '>=' ? '≥' : '≤';
  return `${sign} ${formatNumber(f.target.value, f.decimals)} ${f.met ? 'met' : 'MISSED'}`;
}

export function renderTable(summaries: BenchmarkSummary[]): string {
  const header = ['benchmark', 'figure', 'median', 'min', 'max', 'unit', 'target'];
  const rows: string[][] = [];
  for (const s of summaries) {
    if (s.error) {
      rows.push([s.name, `FAILED: ${s.error.split('\n')[0]!.slice(0, 100)}`, '', '', '', '', '']);
      continue;
    }
    for (const f of s.figures) {
      rows.push([s.name, f.label, formatNumber(f.median, f.decimals), formatNumber(f.min, f.decimals), formatNumber(f.max, f.decimals), f.unit, targetText(f)]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const numeric = new Set([2, 3, 4]);
  const line = (cells: string[]) => cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The same table in Markdown, for bench/README.md and issue notes. */
export function renderMarkdown(summaries: BenchmarkSummary[]): string {
  const out = ['| benchmark | figure | median | min | max | unit | target |', '| --- | --- | ---: | ---: | ---: | --- | --- |'];
  for (const s of summaries) {
    if (s.error) {
      out.push(`| ${s.name} | FAILED: ${s.error.split('\n')[0]} | | | | | |`);
      continue;
    }
    for (const f of s.figures) {
      out.push(`| ${s.name} | ${f.label} | ${formatNumber(f.median, f.decimals)} | ${formatNumber(f.min, f.decimals)} | ${formatNumber(f.max, f.decimals)} | ${f.unit} | ${targetText(f)} |`);
    }
  }
  return out.join('\n');
}
