// The web-llm worker: a thin adapter around WebWorkerMLCEngineHandler. web-llm is imported
// here with import(), so its 6 MB bundle loads in this worker only, never in the page's bundle.
import { z } from 'zod';

interface MessageHandler {
  onmessage(event: MessageEvent): void;
}

// Requests from CreateWebWorkerMLCEngine carry a kind and a uuid; that is all this adapter reads.
const workerRequestSchema = z.object({ kind: z.string(), uuid: z.string() });

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent) => void) | null;
  postMessage(message: unknown): void;
};

let handler: MessageHandler | undefined;
let startupError: string | undefined;
const waiting: MessageEvent[] = [];

// Answers a request the way web-llm's handler would when it fails, so the page's promise rejects
// (with a string, as every web-llm worker error does) instead of waiting forever.
function refuse(event: MessageEvent, reason: string): void {
  const request = workerRequestSchema.safeParse(event.data);
  if (request.success) scope.postMessage({ kind: 'throw', uuid: request.data.uuid, content: reason });
}

scope.onmessage = (event: MessageEvent) => {
  if (handler) handler.onmessage(event);
  else if (startupError !== undefined) refuse(event, startupError);
  else waiting.push(event);
};

import('@mlc-ai/web-llm').then(
  ({ WebWorkerMLCEngineHandler }) => {
    handler = new WebWorkerMLCEngineHandler();
    for (const event of waiting.splice(0)) handler.onmessage(event);
  },
  (error: unknown) => {
    startupError = `Failed to load web-llm in the worker: ${error instanceof Error ? error.message : String(error)}`;
    for (const event of waiting.splice(0)) refuse(event, startupError);
  },
);
