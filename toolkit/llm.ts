import type { ChatEngine } from '../src/core/llm/types.ts';
import type { Tool, ToolContext } from '../src/core/tools/types.ts';
import { places, plannerLabels, settingPlace } from './shared/places.ts';
import { readIntegerSetting } from './shared/settings.ts';
import { capOutput } from './shared/text.ts';
import { ToolError } from './shared/tool-error.ts';

const toolName = 'llm';

const systemPrompt = [
  'You are one step of a multi-step agent. Do exactly what the request asks, using the context given with it.',
  'Answer briefly and factually. When the context does not contain what is needed, say so instead of guessing.',
].join(' ');

function isChatEngine(value: unknown): value is ChatEngine {
  return typeof value === 'object' && value !== null && typeof (value as ChatEngine).chat === 'function';
}

function engineFrom(context: ToolContext): ChatEngine {
  const engine = context.settings.llm;
  if (!isChatEngine(engine)) {
    throw new ToolError(toolName, 'no language model is set up for the llm tool.', {
      hint:
        `The llm tool asks the model chosen in ${places.solverRole}: set that model up (${places.plannerEndpoint}: ${plannerLabels.url} and ${plannerLabels.model}, ` +
        `or ${places.inBrowserModels}) and run again, or switch llm off in ${places.toolkit}.`,
    });
  }
  return engine;
}

/**
 * `llm`: asks a language model to reason, summarise or extract, with optional context.
 * Reads `llm` (a `ChatEngine` the app passes in) and `llmMaxTokens` (default 1024).
 */
export const llm: Tool = {
  name: toolName,
  description:
    'Asks a language model a question or gives it an instruction (the input, which can include earlier evidence such as #E1) and returns its answer. ' +
    'Use it to reason, compare, summarise or pull a fact out of earlier evidence.',
  parameters: {
    type: 'object',
    properties: {
      prompt: { type: 'string', minLength: 1, description: 'The question or instruction, for example "Given #E1, in which year was the tower finished?".' },
      context: { type: 'string', description: 'Extra text the model should use, such as evidence from earlier steps.' },
    },
    required: ['prompt'],
    additionalProperties: false,
  },
  sideEffects: false,
  timeoutMs: 120_000,
  async run(args, context) {
    const prompt = String(args.prompt ?? '').trim();
    if (prompt === '') throw new ToolError(toolName, 'the prompt is empty.', { hint: 'Give a question or an instruction.' });
    const extra = typeof args.context === 'string' ? args.context.trim() : '';
    const engine = engineFrom(context);
    const result = await engine.chat({
      messages: [
        { role: 'system', content: systemPrompt },
        { role: 'user', content: extra === '' ? prompt : `Context:\n${extra}\n\nRequest: ${prompt}` },
      ],
      maxTokens: readIntegerSetting(context.settings, 'llmMaxTokens', 1024, { min: 16, max: 32_768 }),
      temperature: 0.2,
      signal: context.signal,
      ...(context.step === undefined ? {} : { step: context.step }),
    });
    const answer = result.text.trim();
    const outOfTokens = result.finishReason === 'length';
    if (answer === '') {
      throw new ToolError(toolName, `${engine.label} returned an empty answer${outOfTokens ? ' (it ran out of tokens while reasoning)' : ''}.`, {
        hint: outOfTokens ? `Raise ${settingPlace('llmMaxTokens')}, then re-run the step.` : 'Re-run the step.',
        transient: true,
      });
    }
    return capOutput(outOfTokens ? `${answer}\n[The answer was cut at the token limit (${settingPlace('llmMaxTokens')}).]` : answer);
  },
};
