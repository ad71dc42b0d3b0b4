// Runs the tool-calling eval through any ChatEngine, along the distributor's own model path
// (same prompt, same constraint, same reading and validation of the answer), and scores it.
// Pure: no DOM, no storage, so the page and the Node script share it.
import { buildToolCallMessages, buildToolCallSchema, readToolCall, validateToolArguments } from '../core/dispatch/index.ts';
import { errorMessage, isAbortError } from '../core/errors.ts';
import type { ChatEngine, ChatUsage, FinishReason } from '../core/llm/types.ts';
import type { PlanStep } from '../core/plan/types.ts';
import { findReferences, substituteEvidence } from '../core/run/evidence.ts';
import type { Tool, ToolCall } from '../core/tools/types.ts';
import type { EvalCase, EvalToolDefinition } from './cases.ts';

/** How one case went. */
export interface EvalCaseResult {
  caseId: string;
  /** The answer parsed as a call of a tool on offer whose arguments validate against its schema. */
  valid: boolean;
  /** Valid, and name and arguments equal the expected call (see {@link valuesMatch}). */
  exact: boolean;
  /** The model chose the step's tool. */
  rightTool: boolean;
  /** The call the model wrote, when it parsed. */
  call?: ToolCall;
  /** Why the call is invalid, for a person. */
  problems: string[];
  /** The model's raw answer. */
  text: string;
  finishReason?: FinishReason;
  usage?: ChatUsage;
  /** Milliseconds from the request to the end of the answer (all rounds). */
  latencyMs: number;
  /** Rounds used: 1, or 2 after a repair. */
  attempts: number;
  /** The engine threw (a load failure, a server error). */
  error?: string;
}

/** The scores of one engine on the suite. */
export interface EvalReport {
  engineId: string;
  engineLabel: string;
  total: number;
  valid: number;
  exact: number;
  rightTool: number;
  /** Share of schema-valid calls, 0–100. */
  validityPercent: number;
  /** Share of exact matches, 0–100. */
  accuracyPercent: number;
  /** Share of calls naming the step's tool, 0–100. */
  toolChoicePercent: number;
  meanLatencyMs: number;
  promptTokens: number;
  completionTokens: number;
  /** When the suite ran (ISO 8601). */
  startedAt: string;
  results: EvalCaseResult[];
}

/** Progress after each case. */
export interface EvalProgress {
  done: number;
  total: number;
  result: EvalCaseResult;
}

/** Options of {@link runEval}. */
export interface EvalOptions {
  /** Token budget of one answer; the distributor's default is 512. */
  maxTokens?: number;
  /** Give the model a second round with its problems, as the distributor does. Default false: the first answer counts. */
  repair?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: EvalProgress) => void;
  /** Stop after this many engine errors in a row with no successful answer yet. Default 3. */
  maxInitialErrors?: number;
}

/** The eval's tools never run: only their definitions reach the model. */
export function toEvalTool(definition: EvalToolDefinition): Tool {
  return {
    name: definition.name,
    description: definition.description,
    parameters: definition.parameters,
    sideEffects: false,
    run: () => Promise.reject(new Error(`${definition.name} is an eval tool: it is never run.`)),
  };
}

function normalizedString(value: string): string {
  return value.trim().toLowerCase();
}

/**
 * Whether two JSON values are equal for scoring: strings trimmed and compared without regard to
 * case, numbers by value, arrays item by item in order, objects by the same keys.
 */
export function valuesMatch(actual: unknown, expected: unknown): boolean {
  if (typeof expected === 'string') return typeof actual === 'string' && normalizedString(actual) === normalizedString(expected);
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((item, index) => valuesMatch(actual[index], item));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    const expectedRecord = expected as Record<string, unknown>;
    const actualRecord = actual as Record<string, unknown>;
    const expectedKeys = Object.keys(expectedRecord).sort();
    const actualKeys = Object.keys(actualRecord).sort();
    return expectedKeys.length === actualKeys.length && expectedKeys.every((key, index) => actualKeys[index] === key && valuesMatch(actualRecord[key], expectedRecord[key]));
  }
  return actual === expected;
}

/** Whether a call equals the expected one: the same tool and matching arguments. */
export function callsMatch(actual: ToolCall, expected: ToolCall): boolean {
  return actual.name === expected.name && valuesMatch(actual.arguments, expected.arguments);
}

function addUsage(total: ChatUsage | undefined, usage: ChatUsage | undefined): ChatUsage | undefined {
  if (!usage) return total;
  return { promptTokens: (total?.promptTokens ?? 0) + usage.promptTokens, completionTokens: (total?.completionTokens ?? 0) + usage.completionTokens };
}

/** The plan step and its input after substitution, as the scheduler hands them to the distributor. */
export function caseStep(evalCase: EvalCase): { step: PlanStep; input: string } {
  const { thought, tool, input } = evalCase.step;
  const deps = findReferences(input);
  // The step comes after the evidence it uses.
  const number = 1 + Math.max(0, ...deps.map((variable) => Number(variable.slice(2)) || 0));
  const step: PlanStep = { id: `#E${number}`, tool, input, deps, ...(thought ? { thought } : {}) };
  const evidence = new Map(Object.entries(evalCase.evidence ?? {}));
  return { step, input: substituteEvidence(input, evidence).text };
}

/** Runs one case; never throws except when aborted. */
export async function runEvalCase(engine: ChatEngine, evalCase: EvalCase, options: Pick<EvalOptions, 'maxTokens' | 'repair' | 'signal'> = {}): Promise<EvalCaseResult> {
  const tools = evalCase.toolkit.map(toEvalTool);
  const toolsByName = new Map(tools.map((tool) => [tool.name, tool]));
  const tool = toolsByName.get(evalCase.step.tool);
  if (!tool) throw new Error(`Eval case ${evalCase.id}: its step's tool ${evalCase.step.tool} is not in its toolkit.`);
  const { step, input } = caseStep(evalCase);
  // As the distributor asks: only the planned tool is offered, under its own schema.
  const messages = buildToolCallMessages(step, input, tool);
  const schema = buildToolCallSchema([tool]);
  const rounds = options.repair ? 2 : 1;
  const started = performance.now();
  let usage: ChatUsage | undefined;
  let text = '';
  let finishReason: FinishReason | undefined;
  let call: ToolCall | undefined;
  let problems: string[] = [];
  let attempts = 0;

  for (let round = 0; round < rounds; round++) {
    attempts++;
    try {
      const result = await engine.chat({ messages, jsonSchema: schema, schemaName: 'tool_call', maxTokens: options.maxTokens ?? 512, temperature: 0, signal: options.signal });
      usage = addUsage(usage, result.usage);
      text = result.text;
      finishReason = result.finishReason;
    } catch (error) {
      if (isAbortError(error) || options.signal?.aborted) throw error;
      return { caseId: evalCase.id, valid: false, exact: false, rightTool: false, problems: [errorMessage(error)], text, latencyMs: performance.now() - started, attempts, error: errorMessage(error), ...(usage ? { usage } : {}) };
    }
    const read = readToolCall(text);
    call = 'call' in read ? read.call : undefined;
    if (finishReason === 'length') problems = ['The answer was cut off at the token limit.'];
    else if (!call) problems = ['problem' in read ? read.problem : 'No call.'];
    else {
      const chosen = toolsByName.get(call.name);
      problems = chosen ? validateToolArguments(chosen, call.arguments) : [`"${call.name}" is not one of the functions.`];
    }
    if (problems.length === 0) break;
    messages.push(
      { role: 'assistant', content: text },
      { role: 'user', content: `That call is invalid: ${problems.join('; ')}. Answer again with one corrected JSON object only.` },
    );
  }

  const valid = call !== undefined && problems.length === 0;
  return {
    caseId: evalCase.id,
    valid,
    exact: valid && call !== undefined && callsMatch(call, evalCase.expected),
    rightTool: call?.name === evalCase.expected.name,
    ...(call ? { call } : {}),
    problems,
    text,
    ...(finishReason ? { finishReason } : {}),
    ...(usage ? { usage } : {}),
    latencyMs: performance.now() - started,
    attempts,
  };
}

const percent = (count: number, total: number) => (total === 0 ? 0 : (count / total) * 100);

/** Folds case results into a report. */
export function summarizeEval(engine: Pick<ChatEngine, 'id' | 'label'>, results: readonly EvalCaseResult[], startedAt = new Date().toISOString()): EvalReport {
  const total = results.length;
  const valid = results.filter((result) => result.valid).length;
  const exact = results.filter((result) => result.exact).length;
  const rightTool = results.filter((result) => result.rightTool).length;
  return {
    engineId: engine.id,
    engineLabel: engine.label,
    total,
    valid,
    exact,
    rightTool,
    validityPercent: percent(valid, total),
    accuracyPercent: percent(exact, total),
    toolChoicePercent: percent(rightTool, total),
    meanLatencyMs: total === 0 ? 0 : results.reduce((sum, result) => sum + result.latencyMs, 0) / total,
    promptTokens: results.reduce((sum, result) => sum + (result.usage?.promptTokens ?? 0), 0),
    completionTokens: results.reduce((sum, result) => sum + (result.usage?.completionTokens ?? 0), 0),
    startedAt,
    results: [...results],
  };
}

/**
 * Runs the cases one after another through `engine` and scores validity (schema-valid calls),
 * exact-match accuracy, tool choice, latency and tokens. Engine errors count as invalid cases;
 * a run that starts with `maxInitialErrors` errors in a row stops and throws the last one
 * (the engine is broken, fifty failures would say nothing more). Aborting throws.
 */
export async function runEval(engine: ChatEngine, cases: readonly EvalCase[], options: EvalOptions = {}): Promise<EvalReport> {
  const startedAt = new Date().toISOString();
  const results: EvalCaseResult[] = [];
  const maxInitialErrors = options.maxInitialErrors ?? 3;
  let answered = false;
  let errorsInARow = 0;
  for (const evalCase of cases) {
    if (options.signal?.aborted) throw options.signal.reason ?? new Error('The eval was stopped.');
    const result = await runEvalCase(engine, evalCase, options);
    results.push(result);
    options.onProgress?.({ done: results.length, total: cases.length, result });
    if (result.error === undefined) {
      answered = true;
      errorsInARow = 0;
    } else if (!answered && ++errorsInARow >= maxInitialErrors) {
      throw new Error(`${engine.label} failed ${errorsInARow} times in a row: ${result.error}`);
    }
  }
  return summarizeEval(engine, results, startedAt);
}

function pad(text: string, width: number, alignRight: boolean): string {
  return alignRight ? text.padStart(width) : text.padEnd(width);
}

/** The reports as a plain-text table (for the terminal). */
export function formatEvalTable(reports: readonly EvalReport[]): string {
  const header = ['Engine', 'Cases', 'Valid', 'Exact', 'Tool', 'Mean latency', 'Prompt tokens', 'Completion tokens'];
  const rows = reports.map((report) => [
    report.engineLabel,
    String(report.total),
    `${report.validityPercent.toFixed(1)}%`,
    `${report.accuracyPercent.toFixed(1)}%`,
    `${report.toolChoicePercent.toFixed(1)}%`,
    `${Math.round(report.meanLatencyMs)} ms`,
    String(report.promptTokens),
    String(report.completionTokens),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => pad(cell, widths[column] ?? 0, column > 0)).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}
