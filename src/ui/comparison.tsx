// Compare: two runs side by side. Loaded when Compare opens (React.lazy), with its diff library.
import { diffWords } from 'diff';
import { defaultPresetName, defaultTemplates, promptNames } from '../core/prompts/templates.ts';
import { compareSteps, type ComparedStep } from '../core/run/compare.ts';
import type { RunState, StepState } from '../core/run/run-state.ts';
import { closeComparison } from '../store/run-actions.ts';
import type { ComparedRun } from '../store/runs-slice.ts';
import { useAppStore } from '../store/store.ts';

/** Text longer than this is compared and shown cut: a word diff of megabytes would stall the page. */
const diffLimit = 10_000;
const shownLimit = 600;
const integer = new Intl.NumberFormat('en-US');

const cut = (text: string, limit: number) => (text.length > limit ? `${text.slice(0, limit)}…` : text);

/** A word diff of two texts: removed words struck through, added ones underlined. */
function TextDiff({ before, after }: { before: string; after: string }) {
  const parts = diffWords(cut(before, diffLimit), cut(after, diffLimit));
  return (
    <div className="mono diff">
      {parts.map((part, index) =>
        part.removed ? <del key={index}>{part.value}</del> : part.added ? <ins key={index}>{part.value}</ins> : <span key={index}>{part.value}</span>,
      )}
    </div>
  );
}

function StepCell({ step }: { step?: StepState }) {
  if (!step) return <td className="hint">—</td>;
  return (
    <td>
      <div className="mono">{cut(`${step.id} = ${step.tool}[${step.input}]`, shownLimit)}</div>
      <div className="hint">
        {step.status}
        {step.evidenceSource?.kind === 'reused' ? ', reused' : step.evidenceSource?.kind === 'by-hand' ? ', set by hand' : ''}
      </div>
      {step.evidence !== undefined && <div className="mono evidence">{cut(step.evidence, shownLimit)}</div>}
    </td>
  );
}

const differenceLabels: Record<ComparedStep['difference'], string> = { same: 'same', changed: 'changed', added: 'added', removed: 'removed' };

function totals(state: RunState): string {
  const usage = state.usage.total;
  const wall = state.endedAt ?? state.lastEventAt;
  const toolCalls = state.steps.filter((step) => step.attempts > 0).length;
  return `${integer.format(usage.promptTokens + usage.completionTokens)} tokens, ${toolCalls} tool ${toolCalls === 1 ? 'call' : 'calls'}, ${(wall / 1000).toFixed(2)} s`;
}

function heading(run: ComparedRun): string {
  return run.change ? `Version (${run.change})` : run.task ? cut(run.task, 80) : run.id.slice(0, 8);
}

/** Two runs side by side: steps aligned by variable, changed evidence as a word diff, the answers, usage and time. */
export default function Comparison() {
  const comparison = useAppStore((state) => state.comparison);
  if (!comparison) return null;
  const { left, right } = comparison;
  const rows = compareSteps(left.state, right.state);
  const changedCount = rows.filter((row) => row.difference !== 'same').length;
  return (
    <section className="panel comparison" aria-label="Comparison">
      <h2>
        Compare <span className="hint">{changedCount === 0 ? 'no step differs' : `${changedCount} ${changedCount === 1 ? 'step differs' : 'steps differ'}`}</span>{' '}
        <button onClick={closeComparison}>Close</button>
      </h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col">{heading(left)}</th>
            <th scope="col">{heading(right)}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} data-difference={row.difference} aria-label={`${row.id} ${differenceLabels[row.difference]}`}>
              <th scope="row">
                {row.id}
                <div className="hint">
                  {differenceLabels[row.difference]}
                  {row.changed.length > 0 ? `: ${row.changed.join(', ')}` : ''}
                </div>
              </th>
              <StepCell step={row.left} />
              <StepCell step={row.right} />
            </tr>
          ))}
          {rows
            .filter((row) => row.changed.includes('evidence'))
            .map((row) => (
              <tr key={`${row.id}-diff`}>
                <th scope="row">{row.id} evidence</th>
                <td colSpan={2}>
                  <TextDiff before={row.left?.evidence ?? ''} after={row.right?.evidence ?? ''} />
                </td>
              </tr>
            ))}
          {(['planner', 'solver', 'toolCaller'] as const).map((role) => {
            const before = (left.state.prompts?.templates ?? defaultTemplates)[role];
            const after = (right.state.prompts?.templates ?? defaultTemplates)[role];
            if (before === after) return null;
            return (
              <tr key={`prompt-${role}`} data-difference="changed" aria-label={`${promptNames[role]} changed`}>
                <th scope="row">{promptNames[role]}</th>
                <td colSpan={2}>
                  <span className="hint">
                    {left.state.prompts?.name ?? defaultPresetName} → {right.state.prompts?.name ?? defaultPresetName}
                  </span>
                  <TextDiff before={before} after={after} />
                </td>
              </tr>
            );
          })}
          <tr>
            <th scope="row">Answer</th>
            <td className="answer">{cut(left.state.answer.text, 4000) || <span className="hint">none</span>}</td>
            <td className="answer">{cut(right.state.answer.text, 4000) || <span className="hint">none</span>}</td>
          </tr>
          <tr>
            <th scope="row">Usage</th>
            <td>{totals(left.state)}</td>
            <td>{totals(right.state)}</td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}
