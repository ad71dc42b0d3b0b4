import { beforeEach, describe, expect, it, vi } from 'vitest';

// A stand-in for web-llm's worker client: records requests and streams canned chunks.
const fake = vi.hoisted(() => ({
  requests: [] as Record<string, unknown>[],
  loads: [] as { modelId: unknown; config: Record<string, unknown> }[],
  loadError: undefined as unknown,
  streamError: undefined as unknown,
  hang: false,
  interrupts: 0,
  unloads: 0,
  chunks: [] as unknown[],
  // Resolves the running stream's next chunk; lets a test hold a call in the middle.
  gate: undefined as Promise<void> | undefined,
}));

vi.mock('@mlc-ai/web-llm', () => ({
  CreateWebWorkerMLCEngine: async (_worker: unknown, modelId: unknown, config: Record<string, unknown> & { initProgressCallback?: (report: unknown) => void }) => {
    fake.loads.push({ modelId, config });
    config.initProgressCallback?.({ progress: 0.5, timeElapsed: 1, text: 'Fetching param cache[1/2]' });
    if (fake.loadError !== undefined) throw fake.loadError;
    if (fake.hang) await new Promise(() => {});
    let interrupted = false;
    return {
      interruptGenerate: () => {
        fake.interrupts++;
        interrupted = true;
      },
      unload: async () => {
        fake.unloads++;
      },
      chat: {
        completions: {
          create: async (request: Record<string, unknown>) => {
            fake.requests.push(request);
            interrupted = false;
            if (fake.streamError !== undefined) {
              const error = fake.streamError;
              fake.streamError = undefined;
              throw error;
            }
            const chunks = [...fake.chunks];
            return (async function* () {
              for (const chunk of chunks) {
                if (fake.gate) await fake.gate;
                await Promise.resolve();
                if (interrupted) {
                  yield { choices: [{ delta: {}, finish_reason: 'abort' }] };
                  return;
                }
                yield chunk;
              }
            })();
          },
        },
      },
    };
  },
}));

const { createWebLLMEngine } = await import('./webllm-engine.ts');

class FakeWorker extends EventTarget {
  terminated = false;
  terminate() {
    this.terminated = true;
  }
}
const workers: FakeWorker[] = [];
function createWorker(): Worker {
  const worker = new FakeWorker();
  workers.push(worker);
  return worker as unknown as Worker;
}

const usage = { prompt_tokens: 40, completion_tokens: 6, total_tokens: 46, extra: { prefill_tokens_per_s: 900, decode_tokens_per_s: 45, time_to_first_token_s: 0.1, e2e_latency_s: 0.3, time_per_output_token_s: 0.02 } };

beforeEach(() => {
  fake.requests.length = 0;
  fake.loads.length = 0;
  fake.loadError = undefined;
  fake.streamError = undefined;
  fake.interrupts = 0;
  fake.unloads = 0;
  fake.gate = undefined;
  fake.hang = false;
  workers.length = 0;
  fake.chunks = [
    { choices: [{ delta: { content: '{"name":' }, finish_reason: null }] },
    { choices: [{ delta: { content: '"calculator"}' }, finish_reason: 'stop' }] },
    { choices: [], usage },
  ];
});

describe('createWebLLMEngine', () => {
  it('sends the schema as a string, switches Qwen3 thinking off, and reports web-llm\'s speeds', async () => {
    const progress: string[] = [];
    const engine = createWebLLMEngine({ modelId: 'Qwen3-0.6B-q4f32_1-MLC', createWorker, onProgress: (report) => progress.push(report.text) });
    expect(engine.label).toBe('WebGPU: Qwen3 0.6B (q4f32)');
    const schema = { type: 'object', properties: { name: { const: 'calculator' } } };
    const result = await engine.chat({
      messages: [{ role: 'user', content: 'add' }, { role: 'system', content: 'Call one tool.' }],
      jsonSchema: schema,
      maxTokens: 100,
      temperature: 0,
    });
    expect(fake.loads[0]?.modelId).toBe('Qwen3-0.6B-q4f32_1-MLC');
    expect(progress).toEqual(['Loading Qwen3-0.6B-q4f32_1-MLC', 'Fetching param cache[1/2]', 'Ready']);
    expect(fake.requests[0]).toEqual({
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'system', content: 'Call one tool.' }, { role: 'user', content: 'add' }],
      temperature: 0,
      max_tokens: 100,
      response_format: { type: 'json_object', schema: JSON.stringify(schema) },
      extra_body: { enable_thinking: false },
    });
    expect(result).toMatchObject({
      text: '{"name":"calculator"}',
      finishReason: 'stop',
      usage: { promptTokens: 40, completionTokens: 6 },
      timing: { prefillTokensPerSecond: 900, decodeTokensPerSecond: 45 },
    });
  });

  it('keeps <think> reasoning apart when thinking is allowed on free text', async () => {
    fake.chunks = [{ choices: [{ delta: { content: '<think>plan</think>\n\nDone.' }, finish_reason: 'stop' }] }];
    const engine = createWebLLMEngine({ modelId: 'Qwen3-1.7B-q4f16_1-MLC', createWorker, thinking: true });
    const result = await engine.chat({ messages: [{ role: 'user', content: 'x' }] });
    expect(fake.requests[0]?.extra_body).toEqual({ enable_thinking: true });
    expect(result).toMatchObject({ text: 'Done.', reasoning: 'plan' });
  });

  it('sends no extra_body to models that do not think', async () => {
    const engine = createWebLLMEngine({ modelId: 'Llama-3.2-1B-Instruct-q4f16_1-MLC', createWorker });
    await engine.chat({ messages: [{ role: 'user', content: 'x' }] });
    expect(fake.requests[0]).not.toHaveProperty('extra_body');
    expect(fake.requests[0]).not.toHaveProperty('response_format');
  });

  it('classifies the worker\'s string errors and frees the worker', async () => {
    fake.loadError = 'TypeError: Failed to fetch';
    const engine = createWebLLMEngine({ modelId: 'Qwen3-0.6B-q4f32_1-MLC', createWorker });
    await expect(engine.load()).rejects.toMatchObject({ name: 'ModelLoadError', kind: 'network', hint: expect.stringMatching(/CPU engine/) });
    expect(workers[0]?.terminated).toBe(true);
    fake.loadError = undefined;
    await engine.load();
    expect(workers).toHaveLength(2);
  });

  it('fails the load when the worker script fails instead of waiting forever', async () => {
    fake.hang = true;
    const engine = createWebLLMEngine({
      modelId: 'Qwen3-0.6B-q4f32_1-MLC',
      createWorker: () => {
        const worker = createWorker();
        setTimeout(() => worker.dispatchEvent(Object.assign(new Event('error'), { message: 'Failed to fetch dynamically imported module' })), 0);
        return worker;
      },
    });
    await expect(engine.load()).rejects.toMatchObject({ kind: 'network', message: expect.stringMatching(/worker failed/) });
    expect(workers[0]?.terminated).toBe(true);
  });

  it('unloads after the GPU device is lost, so the next call loads again', async () => {
    const engine = createWebLLMEngine({ modelId: 'Qwen3-0.6B-q4f32_1-MLC', createWorker });
    await engine.load();
    fake.streamError = 'Error: Device was lost. GPUDeviceLostInfo';
    await expect(engine.chat({ messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ kind: 'device-lost' });
    expect(fake.unloads).toBe(1);
    expect(workers[0]?.terminated).toBe(true);
    expect(engine.loaded).toBe(false);
    await engine.chat({ messages: [{ role: 'user', content: 'x' }] });
    expect(fake.loads).toHaveLength(2);
  });

  it('interrupts only its own call on abort, and runs calls one at a time', async () => {
    const engine = createWebLLMEngine({ modelId: 'Qwen2.5-0.5B-Instruct-q4f32_1-MLC', createWorker });
    await engine.load();
    let release: () => void = () => {};
    fake.gate = new Promise<void>((resolve) => (release = resolve));
    const first = engine.chat({ messages: [{ role: 'user', content: 'first' }] });
    const waitingController = new AbortController();
    const waiting = engine.chat({ messages: [{ role: 'user', content: 'second' }], signal: waitingController.signal });
    waitingController.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    expect(fake.interrupts).toBe(0);
    fake.gate = undefined;
    release();
    await expect(first).resolves.toMatchObject({ text: '{"name":"calculator"}' });
    expect(fake.requests).toHaveLength(1);

    const controller = new AbortController();
    const running = engine.chat({ messages: [{ role: 'user', content: 'third' }], signal: controller.signal }, () => controller.abort());
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    expect(fake.interrupts).toBe(1);
  });

  it('terminates the worker on dispose', async () => {
    const engine = createWebLLMEngine({ modelId: 'Qwen2.5-0.5B-Instruct-q4f32_1-MLC', createWorker });
    await engine.load();
    await engine.dispose();
    expect(fake.unloads).toBe(1);
    expect(workers[0]?.terminated).toBe(true);
    expect(engine.loaded).toBe(false);
  });
});
