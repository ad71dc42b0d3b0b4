import { useEffect, useRef, useState } from 'react';
import type { StepState } from '../core/run/run-state.ts';
import { approveAndTrust, approveStep, reuseEarlierResult, skipStep, stopRun } from '../store/run-actions.ts';
import { allTools, setMcpServerTrust } from '../store/toolkit-actions.ts';
import { useAppStore } from '../store/store.ts';

function ApprovalForm({ step, others }: { step: StepState; others: number }) {
  const dialog = useRef<HTMLDialogElement>(null);
  // A modal dialog: it takes focus, and the page waits for a decision.
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  const [text, setText] = useState(() => JSON.stringify(step.call?.arguments ?? {}, null, 2));
  const [problem, setProblem] = useState<string | null>(null);
  const notice = useAppStore((state) => state.notice);

  const origin = allTools().find((tool) => tool.name === step.call?.name)?.mcp;

  function approve(trust: 'tool' | 'server' | false = false) {
    let args: unknown;
    try {
      args = JSON.parse(text);
    } catch (error) {
      return setProblem(`The arguments are not valid JSON: ${(error as Error).message}`);
    }
    if (typeof args !== 'object' || args === null || Array.isArray(args)) return setProblem('The arguments must be a JSON object.');
    const edited = text !== JSON.stringify(step.call?.arguments ?? {}, null, 2);
    const call = edited && step.call ? { name: step.call.name, arguments: args as Record<string, unknown> } : undefined;
    const accepted = trust === 'tool' && step.call ? approveAndTrust(step.id, step.call.name, call) : approveStep(step.id, call);
    if (!accepted) return setProblem(notice?.message ?? 'The call was refused.');
    if (trust === 'server' && origin) setMcpServerTrust(origin.server, true);
  }

  return (
    <dialog
      ref={dialog}
      aria-labelledby="approval-title"
      className="approval"
      // Escape does not dismiss it: the step waits for approve, edit, skip, or stopping the run.
      onCancel={(event) => event.preventDefault()}
    >
      <h2 id="approval-title">
        Approve {step.call?.name} for {step.id}?
      </h2>
      {origin ? (
        <p>
          This tool comes from the MCP server <strong>{origin.server}</strong>, which you have not trusted: it may change something outside the page.
          {origin.readOnlyHint && ` The server marks it read-only${origin.destructiveHint ? ' and destructive' : ''}; that is the server's own claim, so Stepwise asks anyway.`}{' '}
          Check its arguments, edit them if needed, then approve or skip.
        </p>
      ) : (
        <p>This tool changes something outside the page. Check its arguments, edit them if needed, then approve or skip.</p>
      )}
      <label htmlFor={`approval-${step.id}`}>Arguments</label>
      <textarea id={`approval-${step.id}`} className="mono" rows={6} style={{ width: '100%' }} value={text} onChange={(event) => setText(event.target.value)} />
      {problem && <p className="error">{problem}</p>}
      <div className="controls">
        <button className="primary" onClick={() => approve()}>
          Approve
        </button>
        <button onClick={() => approve('tool')}>Approve and trust {step.call?.name} for this session</button>
        {origin && <button onClick={() => approve('server')}>Approve and trust the server {origin.server}</button>}
        {step.reusableFrom && (
          <button onClick={() => reuseEarlierResult(step.id)} title="The earlier run made this same call: take its result and run nothing">
            Reuse the earlier result
          </button>
        )}
        <button onClick={() => skipStep(step.id)}>Skip</button>
        <button onClick={stopRun} title="Stop the whole run (Shift+F5)">
          Stop the run
        </button>
      </div>
      {others > 0 && <p className="hint">{others === 1 ? 'One more step waits' : `${others} more steps wait`} for approval after this one.</p>}
    </dialog>
  );
}

/**
 * The approval gate for side-effect tools, a modal dialog: approve, edit the arguments, trust,
 * reuse, or skip. One at a time, in plan order: each is its own decision. Loaded when a step
 * first waits (app.tsx), with the toolkit it names.
 */
export default function ApprovalDialog({ step, others }: { step: StepState; others: number }) {
  return <ApprovalForm key={step.id} step={step} others={others} />;
}
