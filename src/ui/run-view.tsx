import { useDeferredValue, useEffect, type KeyboardEvent } from 'react';
import { useAppStore } from '../store/store.ts';
import { Markdown, warmMarkdownRenderer } from './markdown.tsx';
import { runProblem } from './run-problem.tsx';
import { StepCard } from './step-card.tsx';

// The run itself, as the app, an embed and the replay page show it: the plan and the answer.

/** Arrow keys, Home and End move between the cards of the plan (each shows its step in the details). */
function moveBetweenCards(event: KeyboardEvent<HTMLOListElement>): void {
  const card = event.target as HTMLElement;
  if (!card.classList.contains('step-card')) return;
  const cards = [...event.currentTarget.querySelectorAll<HTMLElement>(':scope > .step-card')];
  const index = cards.indexOf(card);
  const next = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: cards.length - 1 }[event.key];
  const target = next === undefined ? undefined : cards[Math.max(0, Math.min(cards.length - 1, next))];
  if (!target) return;
  event.preventDefault();
  target.focus();
}

/** The plan: one card per step, in plan order, with the plan's blocking problems above. */
export function PlanList() {
  // Deferred: a burst of events re-renders the cards in slices that leave the page free between them.
  const steps = useDeferredValue(useAppStore((state) => state.activeRun?.steps));
  const planErrors = useAppStore((state) => state.activeRun?.plan.errors);
  return (
    <section>
      {planErrors && planErrors.length > 0 && (
        <ul className="error">
          {planErrors.map((problem, index) => (
            <li key={index}>{problem.line ? `Line ${problem.line}: ` : ''}{problem.message}</li>
          ))}
        </ul>
      )}
      <ol className="plan-list" aria-label="Plan" onKeyDown={moveBetweenCards}>
        {steps?.map((step) => (
          <StepCard key={step.id} step={step} />
        ))}
      </ol>
    </section>
  );
}

/** The solver's answer, each `#E` citation a link to its step. */
export function SummaryRegion() {
  const answer = useAppStore((state) => state.activeRun?.answer);
  const failed = useAppStore((state) => runProblem(state.activeRun) !== undefined);
  const writing = answer?.status === 'streaming';
  // Before the answer's first words: formatting them then does not also pay the formatter's first use.
  useEffect(() => {
    if (writing) warmMarkdownRenderer();
  }, [writing]);
  return (
    <section className="panel" aria-label="Summary">
      <h2>Summary</h2>
      {answer?.text ? <Markdown text={answer.text} /> : !failed && <p className="hint">{answer?.status === 'streaming' ? 'Writing…' : 'The answer appears here when the steps are done.'}</p>}
      {answer?.reusedFrom && <p className="hint">The earlier run's answer: no evidence it reads changed in this version.</p>}
      {failed && <p className="hint">No answer: the run failed (the reason is above the plan).</p>}
    </section>
  );
}
