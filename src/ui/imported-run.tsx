import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { count } from './format.ts';
import { formatPlanText } from '../core/plan/plan-text.ts';
import { runImportedPlan } from '../store/run-actions.ts';
import { useAppStore } from '../store/store.ts';
import { useRuntime } from './use-runtime.ts';

const previewLength = 4000;

/** What in the plan would keep it from running with this page's tools (the parser loads with the runtime). */
function PlanProblems({ planText }: { planText: string }) {
  const runtime = useRuntime();
  const problems = useMemo(() => (runtime ? runtime.parsePlan(planText, runtime.enabledTools().map((tool) => tool.name)).errors : []), [runtime, planText]);
  if (problems.length === 0) return null;
  return (
    <ul className="error">
      {problems.map((problem, index) => (
        <li key={index}>{problem.line ? `Line ${problem.line}: ` : ''}{problem.message}</li>
      ))}
    </ul>
  );
}

/**
 * On an imported run: it replays and calls no tool. Running its plan is the person's act: the
 * plan is shown first, exactly as it will run, and each step that calls a tool asks first.
 */
export function ImportedRunPanel() {
  const importedId = useAppStore((state) => state.runIndex.find((run) => run.id === state.activeRunId && run.imported)?.id);
  const steps = useAppStore(useShallow((state) => state.activeRun?.steps ?? []));
  const [confirming, setConfirming] = useState(false);
  const planText = useMemo(() => (confirming ? formatPlanText(steps) : ''), [confirming, steps]);
  if (!importedId) return null;
  return (
    <section className="panel" aria-label="Imported run">
      <p>
        This run was imported. It replays what was recorded and never calls a tool by itself.{' '}
        {!confirming && steps.length > 0 && <button onClick={() => setConfirming(true)}>Run this plan…</button>}
      </p>
      {confirming && (
        <>
          <p>
            These {count(steps.length, 'step')} will run with <strong>your</strong> tools, settings and credentials. Each step that calls a tool waits for your approval first.
          </p>
          <pre className="mono" aria-label="Plan to run">
            {planText.length > previewLength ? `${planText.slice(0, previewLength)}… (${count(planText.length - previewLength, 'more character', 'more characters')})` : planText}
          </pre>
          <PlanProblems planText={planText} />
          <div className="controls">
            <button className="primary" onClick={() => void runImportedPlan(importedId).finally(() => setConfirming(false))}>
              Run plan, approving each step
            </button>
            <button onClick={() => setConfirming(false)}>Cancel</button>
          </div>
        </>
      )}
    </section>
  );
}
