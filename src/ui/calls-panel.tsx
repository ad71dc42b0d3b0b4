import { useEffect, useRef, useState } from 'react';
import { callAsCurl, callAsJson, curlKeyVariable, readText, requestMessages } from '../core/run/calls.ts';
import type { ModelRole } from '../core/run/events.ts';
import { durationMs, roleNames, seconds, statusText, tokensPerSecond } from './call-format.ts';
import type { ModelCallState } from '../core/run/run-state.ts';
import { useAppStore } from '../store/store.ts';
import { characters, CutText } from './cut-text.tsx';
import { integer, tokens } from './format.ts';
import { copyText } from './clipboard.ts';

/**
 * Calls: every model request of the run on screen, like a browser's Network panel. One row per
 * request (role, step, model, status, tokens, time), a filter by role, and the selected
 * request in full: messages, constraint, parameters, the answer with its reasoning apart,
 * finish reason, usage and speed, with Copy as JSON and Copy as curl (the key left as a variable).
 */

export default function CallsPanel() {
  const calls = useAppStore((state) => state.activeRun?.calls);
  const blobs = useAppStore((state) => state.activeRun?.blobs);
  const { role, step, selected, focusPending } = useAppStore((state) => state.callsView);
  const setView = useAppStore((state) => state.setCallsView);
  const panel = useRef<HTMLElement>(null);

  // A step card's or the step details' link to its requests: this panel takes the focus.
  useEffect(() => {
    if (!focusPending || !panel.current) return;
    panel.current.scrollIntoView({ block: 'start' });
    panel.current.focus({ preventScroll: true });
    setView({ focusPending: false });
  });

  if (!calls || calls.length === 0 || !blobs) return null;
  const shown = calls.filter((call) => (role === 'all' || call.role === role) && (step === null || call.step === step));
  const current = calls.find((call) => call.callId === selected);
  const roles = [...new Set(calls.map((call) => call.role))];
  return (
    <section className="panel calls" aria-label="Calls" ref={panel} tabIndex={-1}>
      <h2>Calls ({calls.length})</h2>
      <div className="controls">
        <label>
          Role{' '}
          <select value={role} onChange={(event) => setView({ role: event.target.value as ModelRole | 'all' })}>
            <option value="all">All</option>
            {roles.map((name) => (
              <option key={name} value={name}>
                {roleNames[name]}
              </option>
            ))}
          </select>
        </label>
        {step !== null && (
          <span className="chip">
            {step}{' '}
            <button aria-label="Clear the step filter" title="Show every step's requests" onClick={() => setView({ step: null })}>
              ×
            </button>
          </span>
        )}
        <span className="hint">
          {shown.length} of {calls.length}
        </span>
      </div>
      <div className="calls-table">
        <table aria-label="Model calls">
          <thead>
            <tr>
              <th scope="col">Call</th>
              <th scope="col">Role</th>
              <th scope="col">Model</th>
              <th scope="col">Status</th>
              <th scope="col">Tokens</th>
              <th scope="col">Time</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((call) => (
              <tr key={call.callId} aria-selected={call.callId === selected} data-status={call.status}>
                <td>
                  <button className="link" aria-label={`Call ${call.callId}: ${roleNames[call.role]}${call.step ? ` for ${call.step}` : ''}`} onClick={() => setView({ selected: call.callId })}>
                    {call.callId}
                  </button>
                </td>
                <td>
                  {roleNames[call.role]}
                  {call.step ? ` ${call.step}` : ''}
                </td>
                <td title={call.model.url ?? call.model.id}>{call.model.model ?? call.model.label}</td>
                <td className={call.status === 'failed' ? 'error' : undefined}>{statusText(call)}</td>
                <td>{call.usage ? `${integer.format(call.usage.promptTokens)} / ${integer.format(call.usage.completionTokens)}` : '–'}</td>
                <td>{seconds(durationMs(call))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {current && <CallDetail key={current.callId} call={current} blobs={blobs} />}
    </section>
  );
}

/** Copies `text`; says so, or shows the text to copy by hand when the browser refuses. */
function CopyButton({ label, text, disabledReason }: { label: string; text: string | undefined; disabledReason?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'refused'>('idle');
  return (
    <>
      <button
        disabled={text === undefined}
        title={text === undefined ? disabledReason : undefined}
        onClick={() => {
          if (text !== undefined) void copyText(text).then((copied) => setState(copied ? 'copied' : 'refused'));
        }}
      >
        {label}
      </button>
      {state === 'copied' && (
        <span className="hint" role="status">
          Copied.
        </span>
      )}
      {state === 'refused' && text !== undefined && (
        <label className="hint">
          The browser did not allow copying; select and copy it here:
          <textarea readOnly value={text} rows={4} style={{ width: '100%' }} />
        </label>
      )}
    </>
  );
}

function CallDetail({ call, blobs }: { call: ModelCallState; blobs: ReadonlyMap<string, string> }) {
  const messages = requestMessages(call, blobs);
  const { request } = call;
  const speed = tokensPerSecond(call);
  const curl = callAsCurl(call, blobs);
  return (
    <section className="call-detail" aria-label={`Call ${call.callId}`}>
      <h3>
        {call.callId}: {roleNames[call.role]}
        {call.step ? ` for ${call.step}` : ''}
      </h3>
      <div className="controls">
        <CopyButton label="Copy as JSON" text={callAsJson(call, blobs)} />
        <CopyButton label="Copy as curl" text={curl} disabledReason="An in-browser model answered this call: there is no HTTP request to repeat." />
        {curl !== undefined && <span className="hint">The key is read from ${curlKeyVariable}.</span>}
      </div>
      <dl className="form-grid">
        <dt>Model</dt>
        <dd>
          {call.model.label}
          {call.model.url && <span className="hint mono"> {call.model.url}</span>}
        </dd>
        {call.backend && (
          <>
            <dt>Ran on</dt>
            <dd>{call.backend}</dd>
          </>
        )}
        <dt>Status</dt>
        <dd className={call.status === 'failed' ? 'error' : undefined}>
          {statusText(call)}
          {call.finishReason ? ` (finish reason: ${call.finishReason})` : ''}
        </dd>
        <dt>Parameters</dt>
        <dd className="mono">
          {[
            request.maxTokens === undefined ? undefined : `max tokens ${request.maxTokens}`,
            request.temperature === undefined ? undefined : `temperature ${request.temperature}`,
            request.stop ? `stop ${JSON.stringify(request.stop)}` : undefined,
          ]
            .filter(Boolean)
            .join(', ') || '–'}
        </dd>
        <dt>Tokens</dt>
        <dd>{call.usage ? tokens(call.usage) : '–'}</dd>
        <dt>Time</dt>
        <dd>
          {seconds(durationMs(call))}
          {call.timing?.firstTokenMs !== undefined && `, first token after ${seconds(call.timing.firstTokenMs)}`}
          {speed !== undefined && `, ${speed.toFixed(1)} tokens/s`}
        </dd>
      </dl>
      {call.error && (
        <p className="error" role="status">
          {call.error.message}
          {call.error.hint && <span className="hint"> {call.error.hint}</span>}
        </p>
      )}
      <h4>Request</h4>
      {messages.map((message, index) => (
        <details key={index} open={message.role !== 'system'}>
          <summary>
            {message.role} <span className="hint">({characters(message.content.length)})</span>
          </summary>
          <CutText text={message.content} />
        </details>
      ))}
      {request.schema && (
        <details>
          <summary>Constraint: JSON Schema</summary>
          <CutText text={readText(request.schema, blobs)} />
        </details>
      )}
      <h4>Response</h4>
      {call.reasoning !== '' && (
        <details>
          <summary>Reasoning ({characters(call.reasoning.length)})</summary>
          <CutText text={call.reasoning} />
        </details>
      )}
      {call.text === '' ? <p className="hint">{call.status === 'running' ? 'Waiting for the answer…' : 'No answer text.'}</p> : <CutText text={call.text} />}
    </section>
  );
}
