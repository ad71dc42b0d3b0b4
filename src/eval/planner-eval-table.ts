import type { ConfigurationSummary } from './planner-eval.ts';

/** A number with `digits` decimals, or a dash. */
export function figure(value: number | undefined, digits = 1): string {
  return value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

/** A configuration's figures as the columns of the planner eval table (the page and the terminal). */
export function summaryColumns(summary: ConfigurationSummary): Record<string, string> {
  return {
    Configuration: summary.label,
    Parsed: `${summary.parsed}/${summary.tasks}`,
    'Mean steps': figure(summary.meanSteps),
    'Mean width': figure(summary.meanWidth),
    Tools: Object.entries(summary.tools)
      .sort((a, b) => b[1] - a[1])
      .map(([tool, count]) => `${tool} ${count}`)
      .join(', '),
    'Plan tokens': figure(summary.meanPlanTokens, 0),
    'First step (ms)': figure(summary.medianFirstStepMs, 0),
    'Plan (ms)': figure(summary.medianPlanMs, 0),
    Recall: summary.meanRecall === undefined ? '–' : `${(summary.meanRecall * 100).toFixed(0)}%`,
    'Gold: exact': summary.gold ? `${summary.gold.exact}/${summary.gold.tasks}` : '–',
    'Gold: same tools': summary.gold ? `${summary.gold.sameTools}/${summary.gold.tasks}` : '–',
    'Gold: same structure': summary.gold ? `${summary.gold.sameStructure}/${summary.gold.tasks}` : '–',
  };
}

/** The summaries as a plain-text table. */
export function formatSummaryTable(summaries: readonly ConfigurationSummary[]): string {
  const rows = summaries.map(summaryColumns);
  const headers = Object.keys(rows[0] ?? summaryColumns({ configurationId: '', label: '', tasks: 0, parsed: 0, meanSteps: 0, meanWidth: 0, tools: {} }));
  const widths = headers.map((header) => Math.max(header.length, ...rows.map((row) => (row[header] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join('  ').trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...rows.map((row) => line(headers.map((header) => row[header] ?? '')))].join('\n');
}
