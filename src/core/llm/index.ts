export type { ChatChunk, ChatEngine, ChatMessage, ChatRequest, ChatResult, ChatTiming, ChatUsage, FinishReason } from './types.ts';
export {
  assertNotTruncated,
  createOpenAIEngine,
  listModels,
  mapFinishReason,
  probeEndpoint,
  truncationError,
  type EndpointConfig,
  type OpenAIEngineConfig,
  type ProbeResult,
} from './openai-engine.ts';
export { corsCommands, corsFlags, parseRetryAfter } from './endpoint-errors.ts';
export { addressSpace, crossesIntoLocalNetwork, localNetworkInit } from './address-space.ts';
export {
  createReplayEngine,
  ReplayExhaustedError,
  type RecordedAnswer,
  type RecordedChunk,
  type ReplayEngine,
  type ReplayEngineOptions,
} from './replay-engine.ts';
export {
  closeReasoningTags,
  openReasoningTags,
  ReasoningSplitter,
  ReasoningTagScanner,
  splitReasoning,
  type ReasoningToken,
  type SplitResult,
} from './reasoning.ts';
