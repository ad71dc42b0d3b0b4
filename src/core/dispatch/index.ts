export { createDistributor, buildToolCallMessages, DispatchError } from './distributor.ts';
export type { DistributorOptions, DispatchRequest } from './distributor.ts';
export { fastPathArguments } from './fast-path.ts';
export { buildToolCallSchema, readToolCall, extractJsonObject } from './tool-call-schema.ts';
export { validateAgainstSchema, validateToolArguments } from './validate.ts';
