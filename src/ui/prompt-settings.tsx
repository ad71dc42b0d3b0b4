import { useMemo, useRef, useState } from 'react';
import { buildToolCallMessages } from '../core/dispatch/distributor.ts';
import { buildPlannerMessages } from '../core/plan/planner-prompt.ts';
import {
  checkTemplate,
  defaultPresetName,
  defaultTemplates,
  promptNames,
  promptPlaceholders,
  type PromptPreset,
  type PromptRole,
  type PromptTemplates,
} from '../core/prompts/templates.ts';
import { exportPresets, importPresets } from '../core/prompts/presets-file.ts';
import { buildSolverMessages, type SolverStep } from '../core/solve/solver.ts';
import type { ChatMessage } from '../core/llm/types.ts';
import { rerunWithPrompts } from '../store/run-actions.ts';
import { allPromptPresets, currentPrompts } from '../store/settings-slice.ts';
import { useAppStore } from '../store/store.ts';
import { enabledTools } from '../store/toolkit-actions.ts';
import { CutText } from './cut-text.tsx';
import { downloadText } from './download.ts';

const roles: readonly PromptRole[] = ['planner', 'solver', 'toolCaller'];
const sampleTask = 'Which is older, the Eiffel Tower or the Statue of Liberty?';

/** The messages a template makes now, for the toolkit on this page, the task in the box and the run on screen. */
function preview(role: PromptRole, template: string, task: string): ChatMessage[] {
  const tools = enabledTools();
  const steps = useAppStore.getState().activeRun?.steps ?? [];
  const shownTask = task.trim() || sampleTask;
  if (role === 'planner') return buildPlannerMessages(shownTask, tools, undefined, template);
  if (role === 'solver') {
    const solverSteps: SolverStep[] = steps.length
      ? steps.map((step) => ({ id: step.id, tool: step.tool, input: step.substitutedInput ?? step.input, thought: step.thought, outcome: step.status === 'done' ? { status: 'done', evidence: step.evidence ?? '' } : { status: 'skipped', reason: 'not run' } }))
      : [{ id: '#E1', tool: 'search_wiki', input: 'Eiffel Tower', thought: 'Find when the Eiffel Tower was completed.', outcome: { status: 'done', evidence: 'The Eiffel Tower was completed in 1889.' } }];
    return buildSolverMessages(shownTask, solverSteps, template);
  }
  const step = steps[0];
  const tool = tools.find((candidate) => candidate.name === step?.tool) ?? tools[0];
  if (!tool) return [];
  return buildToolCallMessages({ id: step?.id ?? '#E1', tool: tool.name, input: step?.input ?? 'Eiffel Tower', deps: [], ...(step?.thought ? { thought: step.thought } : {}) }, step?.substitutedInput ?? step?.input ?? 'Eiffel Tower', tool, template);
}

function PromptEditor({ role, template, task, onChange }: { role: PromptRole; template: string; task: string; onChange: (text: string) => void }) {
  const problems = useMemo(() => checkTemplate(role, template), [role, template]);
  const [showPreview, setShowPreview] = useState(false);
  const { required, optional, help } = promptPlaceholders[role];
  const id = `prompt-${role}`;
  return (
    <div className="prompt-editor">
      <label htmlFor={id}>{promptNames[role]}</label>
      <textarea id={id} className="mono" rows={8} spellCheck={false} value={template} onChange={(event) => onChange(event.target.value)} aria-describedby={`${id}-help`} />
      <p id={`${id}-help`} className="hint">
        Placeholders: {[...required, ...optional].map((name) => `{{${name}}} (${help[name] ?? name}${required.includes(name) ? ', required' : ''})`).join('; ')}. A line “=== user ===” starts the user message; {'{{#name}}…{{/name}}'} keeps its text only when the value is not empty.
      </p>
      {problems.length > 0 && (
        <ul className="error" aria-label={`Problems in the ${promptNames[role]}`}>
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
      <div className="controls">
        <button type="button" disabled={template === defaultTemplates[role]} onClick={() => onChange(defaultTemplates[role])} aria-label={`Reset the ${promptNames[role]} to default`}>
          Reset to default
        </button>
        <button type="button" aria-expanded={showPreview} onClick={() => setShowPreview(!showPreview)} aria-label={`Preview the ${promptNames[role]}`}>
          Preview
        </button>
      </div>
      {showPreview && (
        <div className="prompt-preview" aria-label={`Preview of the ${promptNames[role]}`} role="region">
          {preview(role, template, task).map((message, index) => (
            <div key={index}>
              <strong>{message.role}</strong>
              <CutText text={message.content} />
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

/** Settings → Prompts: the three templates, presets (save, switch, delete, export, import) and a re-run with them. */
export function PromptSettings({ task }: { task: string }) {
  const settings = useAppStore((state) => state.settings);
  const hasRun = useAppStore((state) => state.activeRun !== null && state.activeRun.steps.length > 0);
  const updateSettings = useAppStore((state) => state.updateSettings);
  const [name, setName] = useState('');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [undo, setUndo] = useState<PromptPreset | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const presets = allPromptPresets(settings);
  const shown = currentPrompts(settings);

  const setTemplate = (role: PromptRole, text: string) => updateSettings({ prompts: { name: settings.prompts.name, templates: { ...settings.prompts.templates, [role]: text } } });
  const choose = (presetName: string) => {
    const preset = presets.find((candidate) => candidate.name === presetName);
    if (!preset) return;
    // Edits not saved as a preset can be had back once.
    setUndo(shown.name.endsWith('(edited)') ? settings.prompts : null);
    updateSettings({ prompts: { name: preset.name, templates: preset.templates } });
    setMessage(null);
  };
  const save = () => {
    const trimmed = name.trim();
    if (trimmed === '') return setMessage({ kind: 'error', text: 'Give the preset a name.' });
    if (trimmed === defaultPresetName) return setMessage({ kind: 'error', text: `"${defaultPresetName}" is built in; choose another name.` });
    const preset = { name: trimmed, templates: settings.prompts.templates };
    const replaced = settings.promptPresets.some((candidate) => candidate.name === trimmed);
    updateSettings({ prompts: preset, promptPresets: [...settings.promptPresets.filter((candidate) => candidate.name !== trimmed), preset] });
    setName('');
    setMessage({ kind: 'ok', text: replaced ? `Preset "${trimmed}" updated.` : `Saved as "${trimmed}".` });
  };
  const remove = () => {
    const current = settings.prompts.name;
    updateSettings({ promptPresets: settings.promptPresets.filter((candidate) => candidate.name !== current), prompts: { name: defaultPresetName, templates: settings.prompts.templates } });
    setMessage({ kind: 'ok', text: `Preset "${current}" deleted; the prompts stay as they are.` });
  };
  const load = async (file: File | undefined) => {
    if (!file) return;
    const result = importPresets(await file.text());
    if (!result.ok) return setMessage({ kind: 'error', text: `${file.name} could not be imported: ${result.problem}.` });
    const names = new Set(result.presets.map((preset) => preset.name));
    const imported = result.presets.filter((preset) => preset.name !== defaultPresetName);
    updateSettings({ promptPresets: [...settings.promptPresets.filter((preset) => !names.has(preset.name)), ...imported] });
    setMessage({ kind: 'ok', text: `Imported ${imported.length} preset${imported.length === 1 ? '' : 's'}: ${imported.map((preset) => preset.name).join(', ') || 'none'}.` });
  };
  const isSaved = settings.promptPresets.some((preset) => preset.name === settings.prompts.name);
  const templates: PromptTemplates = settings.prompts.templates;

  return (
    <fieldset className="prompt-settings">
      <legend>Prompts</legend>
      <div className="controls">
        <label htmlFor="prompt-preset">Prompt preset</label>
        <select id="prompt-preset" value={settings.prompts.name} onChange={(event) => choose(event.target.value)}>
          {presets.map((preset) => (
            <option key={preset.name} value={preset.name}>
              {preset.name === settings.prompts.name ? shown.name : preset.name}
            </option>
          ))}
          {!presets.some((preset) => preset.name === settings.prompts.name) && <option value={settings.prompts.name}>{shown.name}</option>}
        </select>
        {undo && (
          <button type="button" onClick={() => (updateSettings({ prompts: undo }), setUndo(null))}>
            Undo: back to my edits
          </button>
        )}
        <button type="button" disabled={!isSaved} onClick={remove}>
          Delete preset
        </button>
      </div>
      <div className="controls">
        <label htmlFor="preset-name">Preset name</label>
        <input id="preset-name" type="text" value={name} placeholder={isSaved ? settings.prompts.name : 'My prompts'} onChange={(event) => setName(event.target.value)} />
        <button type="button" onClick={save}>
          Save as preset
        </button>
        <button type="button" disabled={settings.promptPresets.length === 0} onClick={() => downloadText(exportPresets(settings.promptPresets), 'stepwise-prompts.json')}>
          Export presets
        </button>
        <button type="button" onClick={() => fileInput.current?.click()}>
          Import presets
        </button>
        <input ref={fileInput} type="file" accept="application/json,.json" aria-label="Prompt presets file" hidden onChange={(event) => void load(event.target.files?.[0]).finally(() => (event.target.value = ''))} />
      </div>
      {message && (
        <p role={message.kind === 'error' ? 'alert' : 'status'} className={message.kind === 'error' ? 'error' : 'hint'}>
          {message.text}
        </p>
      )}
      {roles.map((role) => (
        <PromptEditor key={role} role={role} template={templates[role]} task={task} onChange={(text) => setTemplate(role, text)} />
      ))}
      <p className="hint">
        To compare presets over many tasks and planners, open the <a href="./?view=planner-eval">Planner eval</a>.
      </p>
      <p>
        <button type="button" disabled={!hasRun} onClick={() => void rerunWithPrompts()} title="A version of the run on screen: steps whose calls come out the same keep their evidence">
          Run the run on screen again with these prompts
        </button>
      </p>
    </fieldset>
  );
}
