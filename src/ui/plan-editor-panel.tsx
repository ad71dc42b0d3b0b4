import { lazy, Suspense, useState } from 'react';
import { runWrittenPlan } from '../store/run-actions.ts';
import { useEnabledToolNames } from './use-runtime.ts';

// CodeMirror loads only when a person opens the editor.
const PlanEditor = lazy(() => import('./plan-editor.tsx'));

const template = 'Plan: Describe the first step.\n#E1 = search_wiki[Killers of the Flower Moon]\nPlan: Use its evidence.\n#E2 = llm[Who directed it? #E1]';

/** What the editor opens on: a fresh plan, or a run's plan to change (a version of that run). */
export interface PlanEditorTarget {
  initial: string;
  parentRunId?: string;
}

/** The plan editor with Run plan: a plan as written runs with no planner call. */
export function PlanEditorPanel({ target, task, onClose }: { target: PlanEditorTarget; task: string; onClose: () => void }) {
  const [text, setText] = useState(target.initial || template);
  const toolNames = useEnabledToolNames();
  return (
    <section className="panel" aria-label="Plan editor">
      <h2>{target.parentRunId ? 'Edit plan' : 'Write a plan'}</h2>
      <p className="hint">
        One step a line: <code>#E1 = tool[input]</code>, a <code>Plan:</code> line before it for the thought; later steps use earlier evidence as{' '}
        <code>#E1</code>. {target.parentRunId ? 'Steps whose call does not change keep their evidence.' : 'The planner is not asked.'}
      </p>
      <Suspense fallback={<p className="hint">Loading the editor…</p>}>
        <PlanEditor initial={text} toolNames={toolNames} onChange={setText} />
      </Suspense>
      <div className="controls">
        <button
          className="primary"
          onClick={() => {
            onClose();
            void runWrittenPlan(text, task, target.parentRunId);
          }}
        >
          Run plan
        </button>
        <button onClick={onClose}>Cancel</button>
      </div>
    </section>
  );
}
