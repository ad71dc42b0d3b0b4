import { useEffect, useMemo, useState } from 'react';
import { summaryColumns } from '../eval/planner-eval-table.ts';
import { count } from './format.ts';
import { measuresToCsv, parseTaskList, summarise, type GoldComparison, type PlanMeasure } from '../eval/planner-eval.ts';
import { readEvalFile, taskListText } from '../eval/dataset-import.ts';
import { configurationLabel, currentPromptsName, evalPresets, runEvalFromPage, type EvalConfigurationInput } from '../store/planner-eval-actions.ts';
import { currentPrompts } from '../store/settings-slice.ts';
import { useAppStore } from '../store/store.ts';
import { errorMessage } from '../core/errors.ts';
import { downloadText } from './download.ts';
import { FileButton } from './file-button.tsx';

const exampleTasks = [
  'What movies did the director of Killers of the Flower Moon direct?',
  '{"task": "Which is older, the Eiffel Tower or the Statue of Liberty?", "expectedTools": ["search_wiki"]}',
  'What is 17% of 2,340?',
].join('\n');

let nextId = 1;

/** How a plan compares with its gold plan, in words. */
function goldText(gold: GoldComparison | undefined): string {
  if (!gold) return '–';
  if (gold.exact) return 'exact';
  const same = [gold.sameTools && 'same tools', gold.sameStructure && 'same structure'].filter(Boolean);
  return same.length > 0 ? same.join(', ') : 'different';
}

/**
 * The planner eval page: tasks (pasted or from a file), configurations (a planner endpoint and
 * model × a prompt preset), plan-only or full runs with a concurrency limit, progress and Stop;
 * a summary per configuration and every plan's figures, each opening its run in the debugger;
 * CSV and JSON exports.
 */
export default function PlannerEvalPage() {
  // A page of its own: the settings and presets come from storage first.
  const [ready, setReady] = useState(false);
  useEffect(() => {
    void Promise.resolve(useAppStore.persist.rehydrate()).finally(() => setReady(true));
  }, []);
  return ready ? <PlannerEval /> : <p className="planner-eval">Loading your settings…</p>;
}

function PlannerEval() {
  const settings = useAppStore((state) => state.settings);
  const presets = useMemo(() => evalPresets(), []);
  const initialPreset = presets.some((preset) => preset.name === currentPrompts(settings).name) ? settings.prompts.name : currentPromptsName;
  const [tasksText, setTasksText] = useState('');
  const [configurations, setConfigurations] = useState<EvalConfigurationInput[]>(() => [{ id: `c${nextId++}`, url: settings.planner.url, model: settings.planner.model, preset: initialPreset }]);
  const [mode, setMode] = useState<'plan-only' | 'full'>('plan-only');
  const [concurrency, setConcurrency] = useState(2);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [measures, setMeasures] = useState<PlanMeasure[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [labels, setLabels] = useState<Map<string, string>>(new Map());
  const [controller, setController] = useState<AbortController | null>(null);
  const [imported, setImported] = useState<string | null>(null);
  const parsed = useMemo(() => parseTaskList(tasksText), [tasksText]);
  const goldCount = parsed.tasks.filter((task) => task.goldPlan).length;

  /** A task list, or training data (Export training data's files, a LLaMA-Factory .zip): its planner records become tasks with gold plans. */
  const importFile = async (file: File) => {
    const set = readEvalFile(file.name, new Uint8Array(await file.arrayBuffer()));
    setTasksText(taskListText(set.tasks));
    const notes = [
      set.cases.length > 0 ? `${count(set.cases.length, 'tool-caller record')} left for the tool-caller eval (eval.html)` : '',
      set.skipped > 0 ? `${count(set.skipped, 'solver record')} skipped` : '',
      set.problems.length > 0 ? `${count(set.problems.length, 'record')} unreadable: ${set.problems.slice(0, 3).join('; ')}${set.problems.length > 3 ? '; …' : ''}` : '',
    ].filter(Boolean);
    setImported(`${file.name}: ${count(set.tasks.length, 'task')}${notes.length > 0 ? `; ${notes.join('; ')}` : ''}.`);
  };
  const running = controller !== null;

  const update = (id: string, change: Partial<EvalConfigurationInput>) => setConfigurations((list) => list.map((item) => (item.id === id ? { ...item, ...change } : item)));

  const run = async () => {
    if (parsed.tasks.length === 0) return setProblem('Enter at least one task (one per line, or JSON Lines).');
    const incomplete = configurations.find((item) => item.url.trim() === '' || item.model.trim() === '');
    if (incomplete) return setProblem('Every configuration needs a planner URL and a model.');
    setProblem(null);
    setMeasures([]);
    setLabels(new Map(configurations.map((item, index) => [item.id, configurationLabel(item, index)])));
    const abort = new AbortController();
    setController(abort);
    setProgress({ done: 0, total: parsed.tasks.length * configurations.length });
    try {
      const results = await runEvalFromPage({
        tasks: parsed.tasks,
        configurations,
        mode,
        concurrency,
        signal: abort.signal,
        onResult: (measure, done, total) => {
          setMeasures((list) => [...list, measure]);
          setProgress({ done, total });
        },
      });
      setMeasures(results);
      if (abort.signal.aborted) setProblem(`Stopped after ${results.length} of ${parsed.tasks.length * configurations.length} plans.`);
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setController(null);
    }
  };

  const summaries = configurations.filter((item) => labels.has(item.id)).map((item) => summarise({ id: item.id, label: labels.get(item.id) ?? item.id }, measures));
  const columns = summaries.length > 0 ? Object.keys(summaryColumns(summaries[0] as (typeof summaries)[number])) : [];

  return (
    <main className="planner-eval">
      <p>
        <a href="./">← Back to Stepwise</a>
      </p>
      <h1>Planner eval</h1>
      <p className="hint">
        Plan many tasks with one or more planners and prompt presets, and compare how often the plans parse, how many steps they take, how many can run at once, which tools they use and how
        fast they come. Plan only asks the planners and runs no tool; full runs use the tool caller and solver from Settings. Every run is kept in History and opens in the debugger.
      </p>
      <section className="panel" aria-label="Tasks">
        <h2>Tasks</h2>
        <label htmlFor="eval-tasks">Tasks (one per line, or JSON Lines with optional "expectedTools" and "goldPlan")</label>
        <textarea id="eval-tasks" className="mono" rows={6} value={tasksText} placeholder={exampleTasks} onChange={(event) => setTasksText(event.target.value)} style={{ width: '100%' }} />
        <div className="controls">
          <FileButton accept=".txt,.jsonl,.json,.zip,text/plain" inputLabel="Tasks file" onFile={(file) => void importFile(file)}>
            Import tasks
          </FileButton>
          <button type="button" onClick={() => setTasksText(exampleTasks)}>
            Use the examples
          </button>
          <span className="hint">
            {count(parsed.tasks.length, 'task')}
            {goldCount > 0 && `, ${goldCount} with a gold plan`}
          </span>
        </div>
        {imported && (
          <p className="hint" role="status">
            {imported}
          </p>
        )}
        {parsed.problems.length > 0 && (
          <ul className="error" aria-label="Problems in the task list">
            {parsed.problems.map((text) => (
              <li key={text}>{text} (left out)</li>
            ))}
          </ul>
        )}
      </section>
      <section className="panel" aria-label="Configurations">
        <h2>Configurations</h2>
        {configurations.map((item, index) => (
          <fieldset key={item.id} className="form-grid eval-configuration">
            <legend>Configuration {index + 1}</legend>
            <label htmlFor={`${item.id}-url`}>Planner URL {index + 1}</label>
            <input id={`${item.id}-url`} type="url" value={item.url} onChange={(event) => update(item.id, { url: event.target.value })} />
            <label htmlFor={`${item.id}-model`}>Model {index + 1}</label>
            <input id={`${item.id}-model`} type="text" value={item.model} onChange={(event) => update(item.id, { model: event.target.value })} />
            <label htmlFor={`${item.id}-preset`}>Prompt preset {index + 1}</label>
            <select id={`${item.id}-preset`} value={item.preset} onChange={(event) => update(item.id, { preset: event.target.value })}>
              {presets.map((preset) => (
                <option key={preset.name}>{preset.name}</option>
              ))}
            </select>
            <span />
            <span>
              <button type="button" disabled={configurations.length === 1} onClick={() => setConfigurations((list) => list.filter((other) => other.id !== item.id))} aria-label={`Remove configuration ${index + 1}`}>
                Remove
              </button>
            </span>
          </fieldset>
        ))}
        <div className="controls">
          <button type="button" onClick={() => setConfigurations((list) => [...list, { ...(list.at(-1) as EvalConfigurationInput), id: `c${nextId++}` }])}>
            Add configuration
          </button>
          <label htmlFor="eval-mode">Mode</label>
          <select id="eval-mode" value={mode} onChange={(event) => setMode(event.target.value as 'plan-only' | 'full')}>
            <option value="plan-only">Plan only (no tools)</option>
            <option value="full">Full runs</option>
          </select>
          <label htmlFor="eval-concurrency">Runs at once</label>
          <input id="eval-concurrency" type="number" min={1} max={16} value={concurrency} onChange={(event) => setConcurrency(Math.min(16, Math.max(1, Number(event.target.value) || 1)))} style={{ width: '4rem' }} />
        </div>
        <div className="controls">
          <button type="button" className="primary" disabled={running} onClick={() => void run()}>
            Run the eval
          </button>
          <button type="button" disabled={!running} onClick={() => controller?.abort()}>
            Stop
          </button>
          {progress && (
            <>
              <progress aria-label="Eval progress" max={progress.total} value={progress.done} />
              <span className="hint">
                {progress.done} of {progress.total} plans
              </span>
            </>
          )}
        </div>
        {problem && (
          <p role="alert" className="error">
            {problem}
          </p>
        )}
      </section>
      {summaries.length > 0 && (
        <section className="panel" aria-label="Results">
          <h2>Results</h2>
          <div className="controls">
            <button type="button" onClick={() => downloadText(measuresToCsv(measures, labels), 'planner-eval.csv', 'text/csv')}>
              Export CSV
            </button>
            <button type="button" onClick={() => downloadText(JSON.stringify({ summaries, measures }, null, 2), 'planner-eval.json')}>
              Export JSON
            </button>
          </div>
          <div className="table-scroll">
            <table aria-label="Planner eval summary" className="eval-table">
              <thead>
                <tr>
                  {columns.map((column) => (
                    <th key={column} scope="col">
                      {column}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {summaries.map((summary) => {
                  const cells = summaryColumns(summary);
                  return (
                    <tr key={summary.configurationId} aria-label={summary.label}>
                      {columns.map((column, index) => (index === 0 ? <th key={column} scope="row">{cells[column]}</th> : <td key={column}>{cells[column]}</td>))}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {summaries.map((summary) => (
            <details key={summary.configurationId}>
              <summary>Plans: {summary.label}</summary>
              <div className="table-scroll">
                <table aria-label={`Plans: ${summary.label}`} className="eval-table">
                  <thead>
                    <tr>
                      <th scope="col">Task</th>
                      <th scope="col">Parsed</th>
                      <th scope="col">Steps</th>
                      <th scope="col">Width</th>
                      <th scope="col">Tools</th>
                      <th scope="col">Plan (ms)</th>
                      <th scope="col">Against the gold plan</th>
                      <th scope="col">Run</th>
                    </tr>
                  </thead>
                  <tbody>
                    {measures
                      .filter((measure) => measure.configurationId === summary.configurationId)
                      .sort((a, b) => a.taskIndex - b.taskIndex)
                      .map((measure) => (
                        <tr key={measure.runId}>
                          <th scope="row">{measure.task}</th>
                          <td className={measure.parsed ? undefined : 'error'}>{measure.parsed ? 'yes' : `no${measure.problem ? `: ${measure.problem}` : ''}`}</td>
                          <td>{measure.steps}</td>
                          <td>{measure.width}</td>
                          <td>{measure.tools.join(', ')}</td>
                          <td>{measure.planMs === undefined ? '–' : Math.round(measure.planMs)}</td>
                          <td>{goldText(measure.gold)}</td>
                          <td>
                            <a href={`./?run=${encodeURIComponent(measure.runId)}`} target="_blank" rel="noopener">
                              Open
                            </a>
                          </td>
                        </tr>
                      ))}
                  </tbody>
                </table>
              </div>
            </details>
          ))}
        </section>
      )}
    </main>
  );
}
