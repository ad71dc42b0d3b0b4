import { errorMessage, InvalidToolInputError, isAbortError, StepwiseError, UnknownToolError } from '../errors.ts';
import type { ChatEngine, ChatMessage, ChatUsage } from '../llm/types.ts';
import type { PlanStep } from '../plan/types.ts';
import type { DispatchPath, DispatchRecord } from '../run/events.ts';
import type { Tool, ToolCall } from '../tools/types.ts';
import { fastPathArguments } from './fast-path.ts';
import { buildToolCallSchema, readToolCall } from './tool-call-schema.ts';
import { validateToolArguments } from './validate.ts';
import { defaultTemplates, renderPrompt } from '../prompts/templates.ts';

export interface DistributorOptions {
  /** The enabled tools; a step's call is always for the tool its plan names. */
  tools: readonly Tool[];
  /** Writes calls the fast path cannot take. Without it such steps fail with a clear message. */
  toolCaller?: ChatEngine;
  /** Tried when the tool caller's answer stays invalid after one repair. */
  fallback?: ChatEngine;
  /** Token budget for one call; a tool call is short. */
  maxTokens?: number;
  /** The tool-caller prompt template (src/core/prompts); the default when absent. */
  template?: string;
}

export interface DispatchRequest {
  step: PlanStep;
  /** The step's input with evidence substituted. */
  input: string;
  tool: Tool;
  evidence: ReadonlyMap<string, string>;
  signal: AbortSignal;
}

/** The tool caller could not produce a valid call for a step. */
export class DispatchError extends StepwiseError {
  // Spelled out: minifiers rename classes, and the name reaches traces and the UI.
  override readonly name = 'DispatchError';
  constructor(message: string, hint: string) {
    super(message, { hint });
  }
}

/**
 * The prompt for the tool-caller model: the planned tool as JSON, the step, one JSON answer.
 * Only the planned tool is offered: the input may carry evidence written by anyone, and a model
 * that is shown other tools can be talked into calling one of them.
 */
export function buildToolCallMessages(step: PlanStep, input: string, tool: Tool, template: string = defaultTemplates.toolCaller): ChatMessage[] {
  const functions = [{ name: tool.name, description: tool.description, parameters: tool.parameters }];
  return renderPrompt(template, { function: JSON.stringify(functions), input, tool: tool.name, thought: step.thought });
}

function addUsage(total: ChatUsage | undefined, usage: ChatUsage | undefined): ChatUsage | undefined {
  if (!usage) return total;
  return {
    promptTokens: (total?.promptTokens ?? 0) + usage.promptTokens,
    completionTokens: (total?.completionTokens ?? 0) + usage.completionTokens,
  };
}

/**
 * Builds the distributor: planner's call when it validates (fast path, no model), else the
 * tool caller under a JSON Schema constraint with one repair attempt, else the fallback
 * engine, else a clear failure. Every result is validated before it is returned.
 */
export function createDistributor(options: DistributorOptions): (request: DispatchRequest) => Promise<DispatchRecord> {
  const toolsByName = new Map(options.tools.map((tool) => [tool.name, tool]));
  const schemas = new Map(options.tools.map((tool) => [tool.name, buildToolCallSchema([tool])]));
  const maxTokens = options.maxTokens ?? 512;

  /** Checks a call the model wrote for `tool`; returns problems for the repair prompt. */
  function check(call: ToolCall, tool: Tool): string[] {
    if (call.name !== tool.name) return [`"${call.name}" is not the function to call; call ${tool.name}.`];
    return validateToolArguments(tool, call.arguments);
  }

  return async function dispatch(request: DispatchRequest): Promise<DispatchRecord> {
    const started = performance.now();
    const { step, input, tool, evidence, signal } = request;
    if (!toolsByName.has(tool.name)) throw new UnknownToolError(tool.name);

    const fastArguments = fastPathArguments(step, input, tool, evidence);
    if (fastArguments) {
      return { call: { name: tool.name, arguments: fastArguments }, path: 'fast-path', attempts: 0, durationMs: performance.now() - started };
    }

    const engines: [ChatEngine, DispatchPath][] = [];
    if (options.toolCaller) engines.push([options.toolCaller, 'engine']);
    if (options.fallback) engines.push([options.fallback, 'fallback']);
    if (engines.length === 0) {
      throw new DispatchError(
        `The planner's input for ${tool.name} does not match its parameters, and no tool-caller model is configured.`,
        'Choose a Tool caller in Settings, or edit the step\'s tool call.',
      );
    }

    const schema = schemas.get(tool.name);
    let attempts = 0;
    let usage: ChatUsage | undefined;
    const failures: string[] = [];
    for (const [engine, path] of engines) {
      const messages = buildToolCallMessages(step, input, tool, options.template);
      // One first try and one repair that shows the model what was wrong.
      for (let round = 0; round < 2; round++) {
        attempts++;
        let answer: string;
        try {
          const result = await engine.chat({ messages, jsonSchema: schema, schemaName: 'tool_call', maxTokens, temperature: 0, signal, step: step.id });
          usage = addUsage(usage, result.usage);
          answer = result.text;
          if (result.finishReason === 'length') {
            failures.push(`${engine.label}: the answer was cut off at the token limit`);
            break;
          }
        } catch (error) {
          if (isAbortError(error)) throw error;
          failures.push(`${engine.label}: ${errorMessage(error)}`);
          break;
        }
        const read = readToolCall(answer);
        const problems = 'call' in read ? check(read.call, tool) : [read.problem];
        if ('call' in read && problems.length === 0) {
          return { call: read.call, path, engineId: engine.id, attempts, usage, durationMs: performance.now() - started };
        }
        failures.push(`${engine.label}: ${problems.join('; ')}`);
        messages.push(
          { role: 'assistant', content: answer },
          { role: 'user', content: `That call is invalid: ${problems.join('; ')}. Answer again with one corrected JSON object only.` },
        );
      }
    }
    throw new InvalidToolInputError(tool.name, failures);
  };
}
