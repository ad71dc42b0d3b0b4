import { buildToolCallMessages } from '../dispatch/distributor.ts';
import { validateToolArguments } from '../dispatch/validate.ts';
import { parsePlan } from '../plan/plan-parser.ts';
import { formatPlanText } from '../plan/plan-text.ts';
import { defaultTemplates } from '../prompts/templates.ts';
import { requestMessages } from '../run/calls.ts';
import type { ModelRole } from '../run/events.ts';
import type { RunState, StepState } from '../run/run-state.ts';
import { redactSecrets, redactText } from '../trace/redact.ts';
import type { Tool, ToolCall } from '../tools/types.ts';

/**
 * Training examples from debugged runs (issue 12): what the planner was asked and the plan as the
 * person corrected it, what the solver was asked and its answer, and each step's validated call.
 * Every example is checked before it is kept; one that fails is listed with the reason. The
 * formats files are written in live in formats.ts.
 */

/** A run to learn from, with the runs it was made from. */
export interface TrainingRun {
  id: string;
  task: string;
  state: RunState;
  /** The version's parent, the parent's parent, …: nearest first. Empty for a run made from scratch. */
  ancestors: readonly RunState[];
}

/** What the examples need of a tool. */
export type TrainingTool = Pick<Tool, 'name' | 'description' | 'parameters'>;

/** A prompt as a model received it: the system message (if any) and the user message. */
export interface ReceivedPrompt {
  system?: string;
  user: string;
}

export interface PlannerExample {
  runId: string;
  prompt: ReceivedPrompt;
  /** The plan as corrected, in the ReWOO text the planner prompt asks for. */
  plan: string;
}

export interface SolverExample {
  runId: string;
  prompt: ReceivedPrompt;
  answer: string;
}

export interface ToolCallerExample {
  runId: string;
  step: string;
  /** The step as the tool caller is asked about it (the user message of the tool-caller prompt). */
  prompt: string;
  /** The call that ran, after the person's edits; it validates against its tool's schema. */
  call: ToolCall;
}

/** A record that was not exported, and why. */
export interface LeftOut {
  runId: string;
  task: string;
  /** `plan`, `answer`, or a step (`#E2`). */
  part: string;
  reason: string;
}

export interface TrainingSet {
  planner: PlannerExample[];
  solver: SolverExample[];
  toolCaller: ToolCallerExample[];
  /** The tools offered to the tool caller in its records. */
  tools: TrainingTool[];
  leftOut: LeftOut[];
  /** Examples dropped because an earlier one had the same prompt and output. */
  duplicates: number;
}

export interface TrainingOptions {
  /** Every tool known now: plans and calls are checked against these. */
  tools: readonly TrainingTool[];
  /** Values that must never appear (API keys and tokens from Settings); other key shapes go too. */
  secrets?: readonly string[];
}

/** The latest finished request of `role` in the run. */
function lastCall(state: RunState, role: ModelRole) {
  for (let index = state.calls.length - 1; index >= 0; index--) {
    const call = state.calls[index];
    if (call?.role === role && call.status === 'done') return call;
  }
  return undefined;
}

function receivedPrompt(state: RunState, role: ModelRole): ReceivedPrompt | undefined {
  const call = lastCall(state, role);
  if (!call) return undefined;
  const messages = requestMessages(call, state.blobs);
  const system = messages.filter((message) => message.role === 'system').map((message) => message.content);
  const user = messages.filter((message) => message.role === 'user').map((message) => message.content);
  if (user.length === 0) return undefined;
  return { ...(system.length > 0 ? { system: system.join('\n\n') } : {}), user: user.join('\n\n') };
}

/**
 * The planner prompt of a run: its own request, or the one its plan was corrected from (a version
 * made by an edit or a hand-written plan has none of its own). A replan's request carries the
 * person's note to the planner, which a planner in use never gets: the prompt before it is taken.
 */
function plannerPrompt(run: TrainingRun): ReceivedPrompt | undefined {
  for (const state of [run.state, ...run.ancestors]) {
    if (state.parent?.change.type === 'replan') continue;
    const prompt = receivedPrompt(state, 'planner');
    if (prompt) return prompt;
  }
  return undefined;
}

/** The solver prompt of a run: its own, or its parent's when it kept the parent's answer. */
function solverPrompt(run: TrainingRun): ReceivedPrompt | undefined {
  for (const state of [run.state, ...run.ancestors]) {
    const prompt = receivedPrompt(state, 'solver');
    if (prompt) return prompt;
    if (!state.answer.reusedFrom) return undefined;
  }
  return undefined;
}

const notRun: Partial<Record<StepState['status'], string>> = {
  pending: 'it never ran',
  ready: 'it never ran',
  paused: 'it never ran',
  stale: 'its result is out of date',
  interrupted: 'the page closed while it ran',
  'waiting-for-approval': 'it was never approved',
  running: 'it never finished',
};

function stepProblem(step: StepState, tool: TrainingTool | undefined): string | undefined {
  if (step.status === 'skipped') return `it was skipped${step.skipReason ? ` (${step.skipReason})` : ''}`;
  if (step.status === 'failed') return `it failed: ${step.error?.message ?? 'no reason recorded'}`;
  const unfinished = notRun[step.status];
  if (unfinished) return unfinished;
  if (!step.call) return step.evidenceSource?.kind === 'by-hand' ? 'its evidence was set by hand: there is no call to learn' : 'no call was recorded';
  if (!tool) return `the tool "${step.call.name}" is not in the toolkit now (connect its MCP server or add it, then export again)`;
  const problems = validateToolArguments(tool as Tool, step.call.arguments);
  if (problems.length > 0) return `its call does not validate against ${tool.name}'s schema: ${problems.join('; ')}`;
  return undefined;
}

/** The user message of the tool-caller prompt for a step, with the run's own template. */
function toolCallerPrompt(state: RunState, step: StepState, tool: TrainingTool): string {
  const template = state.prompts?.templates.toolCaller ?? defaultTemplates.toolCaller;
  const planStep = { id: step.id, tool: tool.name, input: step.input, deps: [...step.deps], ...(step.thought ? { thought: step.thought } : {}) };
  const messages = buildToolCallMessages(planStep, step.substitutedInput ?? step.input, tool as Tool, template);
  return messages.filter((message) => message.role === 'user').map((message) => message.content).join('\n\n');
}

/** Builds the examples of the given runs: checked, de-duplicated, without secrets. */
export function buildTrainingSet(runs: readonly TrainingRun[], options: TrainingOptions): TrainingSet {
  const secrets = options.secrets ?? [];
  const text = (value: string) => redactText(value, secrets);
  const prompt = (value: ReceivedPrompt): ReceivedPrompt => ({ ...(value.system !== undefined ? { system: text(value.system) } : {}), user: text(value.user) });
  const toolsByName = new Map(options.tools.map((tool) => [tool.name, tool]));
  const toolNames = options.tools.map((tool) => tool.name);
  const set: TrainingSet = { planner: [], solver: [], toolCaller: [], tools: [], leftOut: [], duplicates: 0 };
  const seen = new Set<string>();
  const isNew = (key: unknown[]) => {
    const serialised = JSON.stringify(key);
    if (seen.has(serialised)) {
      set.duplicates++;
      return false;
    }
    seen.add(serialised);
    return true;
  };
  const usedTools = new Set<string>();

  for (const run of runs) {
    const { state } = run;
    const leaveOut = (part: string, reason: string) => set.leftOut.push({ runId: run.id, task: run.task, part, reason });

    // The planner: the prompt it received, the plan as corrected.
    const received = plannerPrompt(run);
    let planErrors: string | undefined;
    if (state.steps.length === 0) leaveOut('plan', state.plan.error ? `the planner failed: ${state.plan.error.message}` : 'the run has no plan');
    else if (!received) leaveOut('plan', 'no planner request was recorded for this run or the run it was corrected from (a trace from before calls were recorded, or a plan written by hand)');
    else {
      const plan = formatPlanText(state.steps);
      const parsed = parsePlan(plan, toolNames);
      if (parsed.errors.length > 0) {
        planErrors = `the plan has ${parsed.errors.length === 1 ? 'an error' : `${parsed.errors.length} errors`}: ${parsed.errors.map((error) => error.message).join('; ')}`;
        leaveOut('plan', planErrors);
      } else {
        const example = { runId: run.id, prompt: prompt(received), plan: text(plan) };
        if (isNew(['planner', example.prompt, example.plan])) set.planner.push(example);
      }
    }

    // Each step's call, as it ran after the person's edits.
    for (const step of state.steps) {
      const tool = step.call ? toolsByName.get(step.call.name) : undefined;
      const problem = stepProblem(step, tool);
      if (problem || !tool || !step.call) {
        leaveOut(step.id, problem ?? 'no call was recorded');
        continue;
      }
      const example: ToolCallerExample = {
        runId: run.id,
        step: step.id,
        prompt: text(toolCallerPrompt(state, step, tool)),
        call: { name: step.call.name, arguments: redactSecrets(step.call.arguments, [...secrets]) },
      };
      if (!isNew(['tool-caller', example.prompt, example.call])) continue;
      set.toolCaller.push(example);
      usedTools.add(tool.name);
    }

    // The solver: the prompt it received (the parent's, when the answer was kept), its answer.
    const answerPrompt = solverPrompt(run);
    if (state.answer.status !== 'done' || state.answer.text.trim() === '') leaveOut('answer', `the run has no answer (it ended ${state.status})`);
    else if (planErrors) leaveOut('answer', 'it answers a plan with errors');
    else if (!answerPrompt) leaveOut('answer', 'no solver request was recorded for this run');
    else {
      const example = { runId: run.id, prompt: prompt(answerPrompt), answer: text(state.answer.text) };
      if (isNew(['solver', example.prompt, example.answer])) set.solver.push(example);
    }
  }
  set.tools = options.tools.filter((tool) => usedTools.has(tool.name)).map((tool) => ({ name: tool.name, description: tool.description, parameters: tool.parameters }));
  return set;
}
