import { describe, expect, it } from 'vitest';
import { ToolTimeoutError } from '../errors.ts';
import type { Tool } from '../tools/types.ts';
import { runToolAttempt } from './worker.ts';

const tool = (run: Tool['run'], timeoutMs?: number): Tool => ({ name: 'probe', description: '', parameters: { type: 'object' }, sideEffects: false, run, ...(timeoutMs ? { timeoutMs } : {}) });
const options = (signal = new AbortController().signal) => ({ signal, defaultTimeoutMs: 50, fetch: globalThis.fetch, settings: {} });

describe('runToolAttempt', () => {
  it('gives the tool\'s result, and its own error when it throws, even synchronously', async () => {
    await expect(runToolAttempt(tool(async () => 'ok'), {}, options())).resolves.toBe('ok');
    await expect(
      runToolAttempt(
        tool(() => {
          throw new Error('broken');
        }),
        {},
        options(),
      ),
    ).rejects.toThrow('broken');
  });

  it('times out a tool that never settles, and aborts the tool\'s own signal', async () => {
    let toolSignal: AbortSignal | undefined;
    const hanging = tool((_args, context) => {
      toolSignal = context.signal;
      return new Promise(() => {});
    });
    await expect(runToolAttempt(hanging, {}, options())).rejects.toBeInstanceOf(ToolTimeoutError);
    expect(toolSignal?.aborted).toBe(true);
  });

  it('ends at once with the step\'s reason when the step is stopped', async () => {
    const controller = new AbortController();
    const pending = runToolAttempt(tool(() => new Promise(() => {}), 60_000), {}, options(controller.signal));
    controller.abort(new Error('skipped by you'));
    await expect(pending).rejects.toThrow('skipped by you');
  });
});
