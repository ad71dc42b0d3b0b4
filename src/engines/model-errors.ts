import { errorMessage, StepwiseError } from '../core/errors.ts';

/** What went wrong with an in-browser model, as far as the error's text tells. */
export type ModelErrorKind =
  | 'network'
  | 'not-found'
  | 'webgpu-unavailable'
  | 'shader-f16'
  | 'out-of-memory'
  | 'device-lost'
  | 'quota'
  | 'context-overflow'
  | 'unsupported-model'
  | 'crashed'
  /** The model wrote bytes that are not valid UTF-8 text, and the engine could not hand its answer back. */
  | 'invalid-text'
  | 'unknown';

/** The in-browser engines: web-llm on WebGPU, wllama (llama.cpp in WebAssembly) on the CPU. */
export type InBrowserEngineKind = 'webllm' | 'wllama';

/** An in-browser model could not be loaded or stopped working; `hint` names a way out. */
export class ModelLoadError extends StepwiseError {
  // Spelled out: minifiers rename classes, and the name reaches traces and the UI.
  override readonly name = 'ModelLoadError';
  readonly kind: ModelErrorKind;
  readonly engine: InBrowserEngineKind;
  readonly modelId?: string;
  constructor(
    kind: ModelErrorKind,
    message: string,
    options: { engine: InBrowserEngineKind; modelId?: string; hint?: string; cause?: unknown },
  ) {
    super(message, { hint: options.hint, cause: options.cause, transient: kind === 'network' || kind === 'crashed' });
    this.kind = kind;
    this.engine = options.engine;
    this.modelId = options.modelId;
  }
}

// Order matters: the first match wins. "Failed to fetch …: HTTP 404" is a missing file, not a
// network failure, and web-llm's device-lost message blames memory, so memory comes first.
const kindPatterns: readonly [ModelErrorKind, RegExp][] = [
  ['quota', /QuotaExceeded|quota (?:has been |was )?exceeded|exceeded the quota|storage quota|not enough (?:storage|disk space)/i],
  ['shader-f16', /shader[-_]f16/i],
  ['not-found', /HTTP 404|\b404\b|not found \(404\)|status(?: code)?:? 404/i],
  ['out-of-memory', /\bOOM\b|out of memory|allocation (?:failed|of [^.]* failed)|failed to allocate|cannot allocate|Array buffer allocation failed|insufficient memory|memory limit/i],
  ['device-lost', /device (?:was |is )?lost|DeviceLost|GPUDeviceLostInfo|device.{0,40}\blost\b/i],
  [
    'webgpu-unavailable',
    /WebGPU is not supported|Cannot find WebGPU|navigator\.gpu|requestAdapter|no (?:appropriate|compatible|suitable) (?:GPU )?adapter|Unable to find a compatible GPU|WebGPU[^.]{0,40}(?:not available|unavailable|disabled|not enabled)/i,
  ],
  ['context-overflow', /exceeds? (?:the )?(?:available )?context|context (?:window|size|length) (?:is )?exceeded|Prompt tokens exceed|kv[_ ]cache[_ ]full/i],
  ['unsupported-model', /not a GGUF|Unexpected token '<'|<!doctype|must ends? with "\.gguf"|invalid magic|unknown (?:model )?architecture|unsupported model|failed to load model|Cannot find model record|Invalid magic number/i],
  // llama.cpp refuses to encode a token stream that is not UTF-8 ("invalid UTF-8 byte"); wllama's
  // worker then reads a garbage length for the answer ("Invalid typed array length").
  ['invalid-text', /invalid UTF-8|Invalid typed array length/i],
  ['crashed', /RuntimeError|unreachable|memory access out of bounds|has crashed|\(ABORT\)|Aborted\(|abort\(|exit\(\d+\)/i],
  ['network', /Failed to fetch|NetworkError|network error|Load failed|net::ERR_|ERR_INTERNET|fetch failed|Request failed|ECONNREFUSED|HTTP [45]\d\d|CORS/i],
];

/** The kind of an in-browser model failure, from its text (errors from workers arrive as strings). */
export function modelErrorKind(error: unknown): ModelErrorKind {
  const text = errorMessage(error);
  for (const [kind, pattern] of kindPatterns) if (pattern.test(text)) return kind;
  return 'unknown';
}

const engineNames: Record<InBrowserEngineKind, string> = { webllm: 'The WebGPU engine', wllama: 'The CPU engine' };

const otherEngines: Record<InBrowserEngineKind, string> = {
  webllm: 'use the CPU engine (slower, no GPU needed) or the planner endpoint for tool calls',
  wllama: 'use the WebGPU engine or the planner endpoint for tool calls',
};

function hintFor(kind: ModelErrorKind, engine: InBrowserEngineKind): string {
  const fallback = otherEngines[engine];
  switch (kind) {
    case 'network':
      return `The model could not be downloaded. Check the connection (the first load fetches the weights from the model's host) and try again, or ${fallback}.`;
    case 'not-found':
      return `The model file is not at that address. Check the model URL or pick another model, or ${fallback}.`;
    case 'webgpu-unavailable':
      return 'This browser offers no usable WebGPU (try a recent Chrome or Edge, or enable WebGPU). Meanwhile use the CPU engine or the planner endpoint for tool calls.';
    case 'shader-f16':
      return 'This GPU has no 16-bit float shaders: choose the q4f32 build of the model, or use the CPU engine or the planner endpoint.';
    case 'out-of-memory':
      return `Not enough memory for this model. Pick a smaller model, close other tabs that use the GPU, or ${fallback}.`;
    case 'device-lost':
      return `The GPU stopped responding (a driver reset or memory pressure). Reload the page and try a smaller model, or ${fallback}.`;
    case 'quota':
      return 'The browser refused to store the model: site storage is full. Delete cached models or allow persistent storage, or use the planner endpoint for tool calls.';
    case 'context-overflow':
      return 'The prompt is longer than the model\'s context window. Shorten the task or the evidence, or choose a model with a longer context.';
    case 'unsupported-model':
      return `The file is not a model this engine can run (a web page instead of the model file, or an unknown architecture). Check the model URL or id, or ${fallback}.`;
    case 'crashed':
      return `The engine crashed and restarts with the next call. If it keeps crashing, pick another model or ${fallback}.`;
    case 'invalid-text':
      return 'The engine was restarted. A model with random or damaged weights writes such bytes; a real model rarely does. Try again, pick another model, or give this role to another engine or the planner endpoint (Settings → Roles). Constrained answers (tool calls) cannot contain them.';
    case 'unknown':
      return `Try again; if it keeps failing, ${fallback}.`;
  }
}

function summaryFor(kind: ModelErrorKind): string {
  switch (kind) {
    case 'network':
      return 'the download failed';
    case 'not-found':
      return 'the model file was not found';
    case 'webgpu-unavailable':
      return 'WebGPU is not available';
    case 'shader-f16':
      return 'the GPU lacks shader-f16';
    case 'out-of-memory':
      return 'out of memory';
    case 'device-lost':
      return 'the GPU device was lost';
    case 'quota':
      return 'the storage quota is exceeded';
    case 'context-overflow':
      return 'the prompt does not fit the context window';
    case 'unsupported-model':
      return 'the model is not supported';
    case 'crashed':
      return 'the engine crashed';
    case 'invalid-text':
      return 'the model wrote bytes that are not valid UTF-8 text';
    case 'unknown':
      return 'an unexpected error';
  }
}

/**
 * Turns anything an in-browser engine threw (an Error, or a plain string from a worker) into a
 * {@link ModelLoadError} whose message says what happened and whose hint offers a way out.
 */
export function classifyModelError(
  error: unknown,
  context: { engine: InBrowserEngineKind; modelId?: string; phase?: 'load' | 'generate'; kind?: ModelErrorKind },
): ModelLoadError {
  if (error instanceof ModelLoadError) return error;
  // The caller may know better than the text (a WllamaRuntimeError is a crash whatever it says).
  const kind = context.kind ?? modelErrorKind(error);
  const detail = errorMessage(error).trim().slice(0, 300).replace(/\.$/, '');
  const subject = engineNames[context.engine];
  const what = context.phase === 'generate' ? 'failed while generating' : `could not load ${context.modelId ?? 'the model'}`;
  const message = `${subject} ${what}: ${summaryFor(kind)}${detail ? ` (${detail})` : ''}.`;
  return new ModelLoadError(kind, message, { engine: context.engine, modelId: context.modelId, hint: hintFor(kind, context.engine), cause: error });
}
