import { useEffect, useRef, useState, type ChangeEvent } from 'react';
import type { DemoEntry, StepwiseTrace } from '../core/trace/trace.ts';
import { demoIndexUrl, loadDemo, loadDemoIndex } from './demos.ts';
import { downloadText } from './download.ts';
import { Menu } from './menu.tsx';

// The trace schemas load when a trace is first read, not with the page.
const loadTrace = () => import('../core/trace/trace.ts');

/** The replay speeds on offer; `Infinity` plays everything at once. */
export const replaySpeeds: readonly { value: number; label: string }[] = [
  { value: 0.5, label: '0.5×' },
  { value: 1, label: '1×' },
  { value: 2, label: '2×' },
  { value: 4, label: '4×' },
  { value: Infinity, label: 'instant' },
];

export const speedKey = (speed: number) => (speed === Infinity ? 'instant' : String(speed));

/** Where a replay stands, for the Hold / Resume button. */
export type ReplayStatus = 'idle' | 'playing' | 'paused';

/** Props of `TraceControls`. The component keeps no run state: the store does, through these. */
export interface TraceControlsProps {
  /**
   * The run on screen as trace text (`exportTrace`), or '' when there is none; called when
   * Export (or Replay with no trace opened) is pressed. May be async (events read from storage).
   */
  onExport: () => string | Promise<string>;
  /** Whether there is a run to export (default true). */
  canExport?: boolean;
  /** The run on screen as OTLP JSON (Export → OpenTelemetry); absent: not offered. */
  onExportOtlp?: () => Promise<string>;
  /** Sends the run on screen to the OpenTelemetry endpoint in Settings; says how it went. */
  onSendOtlp?: () => Promise<{ ok: boolean; message: string; hint?: string }>;
  /** The run on screen as a replay page (Export → Replay page); absent: not offered. */
  onExportReplayPage?: () => Promise<{ ok: true; html: string } | { ok: false; message: string; hint?: string }>;
  /** Copies a link that carries the run on screen (Export → Copy link); says how it went, with the link when it could not be copied. */
  onCopyLink?: () => Promise<{ ok: boolean; message: string; hint?: string; link?: string }>;
  /** Opens the Export training data dialog (over the history, so offered with no run on screen); absent: not offered. */
  onExportTrainingData?: () => void;
  /** The downloaded file's name (default `stepwise-trace.json`). */
  exportFileName?: string;
  /** A trace file was opened and is valid: show it. */
  onImport: (trace: StepwiseTrace) => void;
  /** Play `trace` back at `speed` (`Infinity`: at once). Called by Replay and by choosing a demo. */
  onReplay: (trace: StepwiseTrace, speed: number) => void;
  /** The replay speed (controlled); without it the component keeps its own. */
  speed?: number;
  /** The speed was changed; a replay in progress should follow it. */
  onSpeedChange?: (speed: number) => void;
  /** The demo list (default the app's own, `demos/index.json` under its base URL); demo files are resolved next to it. */
  demosUrl?: string;
}

/** A problem to show, with where it came from. */
interface Problem {
  title: string;
  problems: readonly string[];
  /** A link the browser would not copy: shown to copy by hand. */
  link?: string;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The header's trace menus: **Export** (JSON trace, OpenTelemetry, Send to OTLP endpoint) and
 * **Open** (Import trace…, Replay, the demos), with the replay speed beside them. Everything that
 * changes the run goes through the callbacks; an import that fails shows importTrace's problems
 * in an alert. Replay plays the last imported trace or demo, or else the run on screen.
 */
export function TraceControls({
  onExport,
  canExport = true,
  exportFileName = 'stepwise-trace.json',
  onExportOtlp,
  onSendOtlp,
  onCopyLink,
  onExportReplayPage,
  onExportTrainingData,
  onImport,
  onReplay,
  speed: controlledSpeed,
  onSpeedChange,
  demosUrl = demoIndexUrl,
}: TraceControlsProps) {
  const fileInput = useRef<HTMLInputElement>(null);
  const [ownSpeed, setSpeed] = useState(1);
  const speed = controlledSpeed ?? ownSpeed;
  const [loaded, setLoaded] = useState<StepwiseTrace | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [demos, setDemos] = useState<DemoEntry[] | null>(null);
  const [demosProblem, setDemosProblem] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    loadDemoIndex(demosUrl, controller.signal)
      .then(setDemos)
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setDemosProblem(`The demo list could not be loaded (${errorText(error)}).`);
      });
    return () => controller.abort();
  }, [demosUrl]);

  const exportRun = async () => {
    try {
      const text = await onExport();
      if (!text) return setProblem({ title: 'There is no run to export.', problems: [] });
      downloadText(text, exportFileName);
    } catch (error) {
      setProblem({ title: 'The run could not be exported.', problems: [errorText(error)] });
    }
  };

  const exportOtlp = async () => {
    if (!onExportOtlp) return;
    try {
      const text = await onExportOtlp();
      if (!text) return setProblem({ title: 'There is no run to export.', problems: [] });
      downloadText(text, exportFileName.replace(/\.json$/, '') + '.otlp.json');
    } catch (error) {
      setProblem({ title: 'The run could not be exported as OpenTelemetry.', problems: [errorText(error)] });
    }
  };

  const sendOtlp = async () => {
    if (!onSendOtlp) return;
    setSent(null);
    const result = await onSendOtlp();
    if (result.ok) {
      setProblem(null);
      setSent(result.message);
    } else setProblem({ title: 'The run could not be sent to the OpenTelemetry endpoint.', problems: [result.hint ? `${result.message} ${result.hint}` : result.message] });
  };

  const exportReplayPage = async () => {
    if (!onExportReplayPage) return;
    try {
      const result = await onExportReplayPage();
      if (!result.ok) return setProblem({ title: result.message, problems: result.hint ? [result.hint] : [] });
      setProblem(null);
      downloadText(result.html, exportFileName.replace(/\.json$/, '') + '.replay.html', 'text/html');
    } catch (error) {
      setProblem({ title: 'The replay page could not be made.', problems: [errorText(error)] });
    }
  };

  const copyLink = async () => {
    if (!onCopyLink) return;
    setSent(null);
    try {
      const result = await onCopyLink();
      if (result.ok) {
        setProblem(null);
        setSent(result.message);
      } else setProblem({ title: result.message, problems: result.hint ? [result.hint] : [], ...(result.link ? { link: result.link } : {}) });
    } catch (error) {
      setProblem({ title: 'The link could not be made.', problems: [errorText(error)] });
    }
  };

  const openFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const file = input.files?.[0];
    // Cleared so that choosing the same file again fires another change.
    input.value = '';
    if (!file) return;
    let text: string;
    try {
      text = await file.text();
    } catch (error) {
      return setProblem({ title: `${file.name} could not be read.`, problems: [errorText(error)] });
    }
    const result = (await loadTrace()).importTrace(text);
    if (!result.ok) return setProblem({ title: `${file.name} is not a trace this app can open:`, problems: result.problems });
    setProblem(null);
    setLoaded(result.trace);
    onImport(result.trace);
  };

  const replay = async () => {
    if (loaded) return onReplay(loaded, speed);
    try {
      const text = await onExport();
      if (!text) return setProblem({ title: 'There is no run to replay.', problems: [] });
      const result = (await loadTrace()).importTrace(text);
      if (!result.ok) return setProblem({ title: 'The run on screen cannot be replayed:', problems: result.problems });
      onReplay(result.trace, speed);
    } catch (error) {
      setProblem({ title: 'The run on screen cannot be replayed.', problems: [errorText(error)] });
    }
  };

  const openDemo = async (demo: DemoEntry) => {
    try {
      const result = await loadDemo(demo, demosUrl);
      if (!result.ok) return setProblem({ title: `The demo "${demo.title}" is damaged:`, problems: result.problems });
      setProblem(null);
      setLoaded(result.trace);
      onReplay(result.trace, speed);
    } catch (error) {
      setProblem({ title: `The demo "${demo.title}" could not be loaded.`, problems: [errorText(error)] });
    }
  };

  const changeSpeed = (event: ChangeEvent<HTMLSelectElement>) => {
    const chosen = replaySpeeds.find((option) => speedKey(option.value) === event.currentTarget.value)?.value ?? 1;
    setSpeed(chosen);
    onSpeedChange?.(chosen);
  };

  return (
    <div className="trace-controls controls">
      <Menu
        label="Export"
        title="Save or send the run on screen (API keys and tokens are removed)"
        disabled={!canExport && !onExportTrainingData}
        sections={[
          {
            ...(onExportTrainingData ? { label: 'The run on screen' } : {}),
            items: [
              { label: 'JSON trace', title: 'Save the run as a trace file that Stepwise imports and replays', disabled: !canExport, onSelect: () => void exportRun() },
              ...(onExportOtlp ? [{ label: 'OpenTelemetry', title: 'Save the run as OTLP JSON (GenAI spans) for Phoenix, Langfuse or a Collector', disabled: !canExport, onSelect: () => void exportOtlp() }] : []),
              ...(onSendOtlp ? [{ label: 'Send to OTLP endpoint', title: 'Post the run to the OTLP/HTTP endpoint set in Settings', disabled: !canExport, onSelect: () => void sendOtlp() }] : []),
              ...(onExportReplayPage ? [{ label: 'Replay page', title: 'Save one .html file that replays this run anywhere, from disk, with no network', disabled: !canExport, onSelect: () => void exportReplayPage() }] : []),
              ...(onCopyLink ? [{ label: 'Copy link', title: 'Copy a link that replays this run: the run travels in the link, no server sees it', disabled: !canExport, onSelect: () => void copyLink() }] : []),
            ],
          },
          ...(onExportTrainingData
            ? [
                {
                  label: 'Runs in History',
                  items: [{ label: 'Export training data', title: 'Datasets for fine-tuning from the runs you judged good: planner, solver and tool-caller records', onSelect: onExportTrainingData }],
                },
              ]
            : []),
        ]}
      />
      <Menu
        label="Open"
        title="Import a trace file, replay a run, or watch a demo"
        sections={[
          {
            items: [
              { label: 'Import trace…', title: 'Open a trace file as it ended', onSelect: () => fileInput.current?.click() },
              { label: 'Replay', title: loaded ? `Replay: ${loaded.run.task}` : 'Replay the run on screen', disabled: !loaded && !canExport, onSelect: () => void replay() },
            ],
          },
          {
            label: 'Demos',
            items: (demos ?? []).map((demo) => ({ label: demo.title, ...(demo.description ? { title: demo.description } : {}), onSelect: () => void openDemo(demo) })),
            empty: demos ? 'No demos' : (demosProblem ?? 'Loading demos…'),
          },
        ]}
      />
      <input ref={fileInput} type="file" accept=".json,application/json" aria-label="Trace file" hidden onChange={(event) => void openFile(event)} />
      <select aria-label="Replay speed" title="Speed of replays and demos" value={speedKey(speed)} onChange={changeSpeed}>
        {replaySpeeds.map((option) => (
          <option key={option.label} value={speedKey(option.value)}>
            {option.label}
          </option>
        ))}
      </select>
      {sent && (
        <span role="status" className="hint">
          {sent}
        </span>
      )}
      {problem && (
        // Floats below the header: an import error does not push the controls around.
        <div className="panel error trace-problem" role="alert">
          <p style={{ margin: 0 }}>{problem.title}</p>
          {problem.problems.length > 0 && (
            <ul style={{ margin: '0.3rem 0' }}>
              {problem.problems.map((text, index) => (
                <li key={index} className="mono">
                  {text}
                </li>
              ))}
            </ul>
          )}
          {problem.link && <textarea readOnly aria-label="Link to this run" value={problem.link} rows={3} style={{ width: '100%' }} onFocus={(event) => event.currentTarget.select()} />}
          <button type="button" onClick={() => setProblem(null)}>
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
}
