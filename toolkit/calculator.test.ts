import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RunAbortedError, ToolTimeoutError } from '../src/core/errors.ts';
import type { Tool } from '../src/core/tools/types.ts';
import { calculator } from './calculator.ts';
import { testContext } from './testing/context.ts';

const calculate = (expression: string) => calculator.run({ expression }, testContext());

describe('calculator', () => {
  it('evaluates arithmetic, functions, units and complex numbers', async () => {
    expect(await calculate('(1889 - 1886) * 12')).toBe('36');
    expect(await calculate('0.1 + 0.2')).toBe('0.3');
    expect(await calculate('sqrt(2) ^ 2')).toBe('2');
    expect(await calculate('5 km to mile')).toBe('3.1068559611867 mile');
    expect(await calculate('sqrt(-4)')).toBe('2i');
    expect(await calculate('det([1, 2; 3, 4])')).toBe('-2');
  });

  it('reads the symbols planners copy from prose', async () => {
    expect(await calculate('12 × 3 ÷ 4 − 1')).toBe('8');
    expect(await calculate('2 ** 10')).toBe('1024');
  });

  it('shows every result of several expressions, with a fresh scope per call', async () => {
    // As in MATLAB, ";" hides a result and a new line keeps it.
    expect(await calculate('1 + 1\n2 * 3')).toBe('2; 6');
    expect(await calculate('a = 3; a * 2')).toBe('6');
    await expect(calculate('a * 2')).rejects.toThrow('Undefined symbol a');
  });

  it('refuses the functions that could re-enter the parser or change mathjs', async () => {
    for (const expression of ['import({x: 1})', 'evaluate("1 + 1")', 'parse("1")', 'createUnit("foo")', 'simplify("x + x")', 'derivative("x^2", "x")', 'compile("1")', 'config({number: "BigNumber", precision: 1e6})']) {
      await expect(calculate(expression), expression).rejects.toThrow(/is disabled in the calculator/);
    }
  });

  it('explains what to write when the input is a question in words', async () => {
    const error = (await calculate('what is two plus two').catch((caught: unknown) => caught)) as Error & { hint?: string };
    expect(error.message).toBe('calculator failed: could not evaluate "what is two plus two": Undefined symbol what.');
    expect(error.hint).toContain('plain math expression');
  });

  it('rejects function definitions and empty input', async () => {
    await expect(calculate('f(x) = x^2')).rejects.toThrow('calculator failed: the expression defines a function instead of computing a value.');
    await expect(calculate('   ')).rejects.toThrow('calculator failed: the expression is empty.');
  });
});

describe('calculator limits', () => {
  const tooLarge = /matrices are limited to 40,000 elements \(200 x 200\)/;

  it('refuses the matrix product that froze the page, before computing it', async () => {
    const error = (await calculate('size(ones(1500, 1500) * ones(1500, 1500))').catch((caught: unknown) => caught)) as Error & { hint?: string };
    expect(error.message).toBe(
      'calculator failed: could not evaluate "size(ones(1500, 1500) * ones(1500, 1500))": matrices are limited to 40,000 elements (200 x 200); the result of ones would have 2,250,000.',
    );
    expect(error.hint).toContain('at most 40,000 elements');
  });

  it('refuses every way of making a matrix, array or range over the limit', async () => {
    const attacks = [
      'zeros(1e9)',
      'ones(bignumber(1500), 1500)',
      'zeros(1500, 1500, "sparse")',
      'identity(1000)',
      'random([1000, 1000])',
      'randomInt([1e6], 1, 6)',
      'pickRandom([1, 2], 1e9)',
      '1:1e9',
      'range("1:1e9")',
      'range(0 m, 1e9 m, 1 m)',
      'resize([1], [1000, 1000])',
      'matrixFromFunction([1000, 1000], f(i) = 1)',
      'diag(1:1000)',
      // Products and joins of matrices that are each allowed.
      'ones(200, 1) * ones(1, 300)',
      'multiply(ones(200, 1), 2, ones(1, 300))',
      'kron(ones(200, 200), ones(200, 200))',
      'concat(ones(200, 200), ones(200, 200))',
      'matrixFromRows(1:20000, 1:20000, 1:20000)',
      'setCartesian(1:1000, 1:1000)',
      'setPowerset(1:40)',
      // Broadcasting a column against a row, through operators, functions and transforms.
      'ones(40000, 1) + ones(1, 40000)',
      'ones(40000, 1) == ones(1, 40000)',
      'and(ones(40000, 1), ones(1, 40000))',
      'map(ones(40000, 1), ones(1, 40000), f(a, b) = a + b)',
      // Growing a matrix by assignment, by its methods, or selecting the same element many times.
      'A = [1]; A[1000, 1000] = 1',
      'A = [1]; A.resize([1000, 1000])',
      'A = [1]; A.set([999, 999].valueOf(), 1)',
      'subset([1, 2], index(1e6), 1)',
      'A = [1, 2; 3, 4]; A[ones(300), ones(300)]',
    ];
    for (const expression of attacks) {
      await expect(calculator.run({ expression }, testContext()), expression).rejects.toThrow(tooLarge);
    }
  });

  it('still computes matrices, ranges and broadcasts up to the limit', async () => {
    expect(await calculate('size(ones(200, 200) * ones(200, 200))')).toBe('[200, 200]');
    expect(await calculate('size(ones(200, 1) .* ones(1, 200))')).toBe('[200, 200]');
    expect(await calculate('A = [1]; A[200, 200] = 1; size(A)')).toBe('[200, 200]');
    expect(await calculate('sum(1:40000) == 40000 * 40001 / 2')).toBe('true');
    expect(await calculate('range(0 m, 2 m, 1 m)')).toBe('[0 m, 1 m, 2 m]');
    expect(await calculate('map([1, 4], sqrt)')).toBe('[1, 2]');
    expect(await calculate('filter([1, -2, 3], x > 0)')).toBe('[1, 3]');
    expect(await calculate('A = [1, 2; 3, 4]; A[2, :] = [5, 6]; A')).toBe('[[1, 2], [5, 6]]');
    expect(await calculate('concat([1, 2], [3]) + 1')).toBe('[2, 3, 4]');
  });
});

/** Stands in for the page's Worker: records what the calculator does with it; `answer` plays the worker. */
class FakeWorker extends EventTarget {
  static instances: FakeWorker[] = [];
  static answer: (worker: FakeWorker, request: { id: number; expression: string }) => void = () => undefined;
  readonly requests: unknown[] = [];
  terminated = false;

  constructor(
    readonly url: URL,
    readonly options: WorkerOptions,
  ) {
    super();
    FakeWorker.instances.push(this);
  }

  postMessage(request: { id: number; expression: string }): void {
    this.requests.push(request);
    FakeWorker.answer(this, request);
  }

  terminate(): void {
    this.terminated = true;
  }

  reply(data: unknown): void {
    if (!this.terminated) this.dispatchEvent(new MessageEvent('message', { data }));
  }
}

/** Answers like the real worker does, with the shared mathjs instance. */
const answerWithMathjs = (worker: FakeWorker, request: { id: number; expression: string }) => {
  void import('./shared/math.ts').then(async ({ calculate: evaluate }) => worker.reply({ id: request.id, outcome: await evaluate(request.expression) }));
};

describe('calculator in the page', () => {
  let pageCalculator: Tool;
  const run = (expression: string, signal = new AbortController().signal) => pageCalculator.run({ expression }, testContext({ signal }));

  beforeEach(async () => {
    FakeWorker.instances = [];
    FakeWorker.answer = answerWithMathjs;
    vi.stubGlobal('Worker', FakeWorker);
    vi.resetModules();
    ({ calculator: pageCalculator } = await import('./calculator.ts'));
  });

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('evaluates in a module worker and reuses it while it is idle', async () => {
    expect(await run('2 + 3')).toBe('5');
    expect(await run('2 × 3')).toBe('6');
    expect(FakeWorker.instances).toHaveLength(1);
    const [worker] = FakeWorker.instances as [FakeWorker];
    expect(worker.url.pathname).toMatch(/\/toolkit\/calculator-worker\.ts$/);
    expect(worker.options).toEqual({ type: 'module' });
    expect(worker.requests).toEqual([
      { id: 0, expression: '2 + 3' },
      { id: 1, expression: '2 * 3' },
    ]);
    expect(worker.terminated).toBe(false);
  });

  it('warmCalculator sets a worker up ahead of time, and the first calculation uses it', async () => {
    const { warmCalculator } = await import('./calculator.ts');
    warmCalculator();
    warmCalculator(); // A second call while one warms up starts nothing.
    expect(FakeWorker.instances).toHaveLength(1);
    await vi.waitFor(() => expect(FakeWorker.instances[0]?.requests).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await run('6 * 7')).toBe('42');
    expect(FakeWorker.instances).toHaveLength(1);
    expect(FakeWorker.instances[0]?.requests.map((request) => (request as { expression: string }).expression)).toEqual(['1 + 1', '6 * 7']);
  });

  it('loads mathjs in one worker at a time: parallel steps wait for it instead of each loading their own', async () => {
    expect(await Promise.all(['1 + 1', '2 + 2', '3 + 3', '4 + 4', '5 + 5', '6 + 6'].map((expression) => run(expression)))).toEqual(['2', '4', '6', '8', '10', '12']);
    expect(FakeWorker.instances).toHaveLength(1);
    expect(await run('6 * 7')).toBe('42');
    expect(FakeWorker.instances).toHaveLength(1);
  });

  it('starts a second worker for a step that comes while the first is busy but set up, and keeps up to four idle', async () => {
    await run('1 + 1');
    // Each loaded worker stays busy until told: parallel steps then need workers of their own.
    const held: (() => void)[] = [];
    FakeWorker.answer = (worker, request) => held.push(() => answerWithMathjs(worker, request));
    const pending = ['2 + 2', '3 + 3', '4 + 4', '5 + 5', '6 + 6'].map((expression) => run(expression));
    // The set-up worker takes the first; one new worker loads; the rest wait for it.
    await vi.waitFor(() => expect(held).toHaveLength(2));
    expect(FakeWorker.instances).toHaveLength(2);
    while (held.length > 0) {
      held.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await Promise.all(pending)).toEqual(['4', '6', '8', '10', '12']);
    expect(FakeWorker.instances.filter((worker) => !worker.terminated).length).toBeLessThanOrEqual(4);
  });

  it('a calculation that comes while the warm-up loads waits for that worker', async () => {
    const { warmCalculator } = await import('./calculator.ts');
    warmCalculator();
    expect(await Promise.all([run('6 * 7'), run('2 ^ 10')])).toEqual(['42', '1024']);
    expect(FakeWorker.instances).toHaveLength(1);
  });

  it('a step stopped while it waits for a worker is stopped at once', async () => {
    FakeWorker.answer = () => undefined; // The first worker never finishes loading.
    const first = new AbortController();
    const loading = run('1 + 1', first.signal);
    const controller = new AbortController();
    const reason = new RunAbortedError();
    const waiting = run('2 + 2', controller.signal);
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(FakeWorker.instances).toHaveLength(1);
    first.abort(new RunAbortedError());
    await expect(loading).rejects.toBeInstanceOf(RunAbortedError);
  });

  it('terminates a calculation that times out, says why, and starts a new worker for the next', async () => {
    FakeWorker.answer = () => undefined; // A calculation that never ends.
    const controller = new AbortController();
    const pending = run('size(ones(200, 200)^1000000)', controller.signal);
    controller.abort(new ToolTimeoutError('calculator', 5_000));
    const error = (await pending.catch((caught: unknown) => caught)) as Error & { hint?: string };
    expect(error.message).toBe(
      'calculator failed: the calculation took too long and was stopped: the expression is probably too large to compute (for example a product or an inverse of big matrices).',
    );
    expect(error.hint).toContain('smaller numbers or matrices');
    expect(FakeWorker.instances[0]?.terminated).toBe(true);

    FakeWorker.answer = answerWithMathjs;
    expect(await run('6 * 7')).toBe('42');
    expect(FakeWorker.instances).toHaveLength(2);
  });

  it('terminates the worker when the run is stopped, with the stop as the reason', async () => {
    FakeWorker.answer = () => undefined;
    const controller = new AbortController();
    const reason = new RunAbortedError();
    const pending = run('1 + 1', controller.signal);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(FakeWorker.instances[0]?.terminated).toBe(true);
  });

  it('does not trust what the worker sends', async () => {
    const forgeries: unknown[] = [
      'the answer is 4',
      { id: 0, outcome: { type: 'value' } },
      { id: 0, outcome: { type: 'shell', text: 'rm -rf' } },
      { id: 99, outcome: { type: 'value', text: '4' } },
    ];
    for (const forgery of forgeries) {
      FakeWorker.answer = (worker) => queueMicrotask(() => worker.reply(forgery));
      await expect(run('2 + 2'), JSON.stringify(forgery)).rejects.toThrow('calculator failed: the calculator worker sent a message that is not an answer to this calculation.');
    }
    expect(FakeWorker.instances).toHaveLength(forgeries.length);
    expect(FakeWorker.instances.every((worker) => worker.terminated)).toBe(true);
  });

  it('reports a worker that fails', async () => {
    FakeWorker.answer = (worker) => queueMicrotask(() => worker.dispatchEvent(Object.assign(new Event('error'), { message: 'Failed to load module script' })));
    await expect(run('1 + 1')).rejects.toThrow('calculator failed: the calculator worker failed: Failed to load module script.');
    expect(FakeWorker.instances[0]?.terminated).toBe(true);
  });
});

describe('calculator worker', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('answers valid requests with their id and ignores any other message', async () => {
    const answers: unknown[] = [];
    vi.stubGlobal('postMessage', (answer: unknown) => answers.push(answer));
    vi.stubGlobal('onmessage', null);
    vi.resetModules();
    await import('./calculator-worker.ts');
    const receive = globalThis.onmessage as unknown as (event: { data: unknown }) => void;

    receive({ data: 'ones(1500, 1500)' });
    receive({ data: { id: -1, expression: '1 + 1' } });
    receive({ data: { id: 1, expression: 'x'.repeat(2_001) } });
    receive({ data: { id: 2, expression: '6 * 7' } });
    receive({ data: { id: 3, expression: 'ones(1500, 1500)' } });

    await vi.waitFor(() => expect(answers).toHaveLength(2));
    expect(answers).toEqual([
      { id: 2, outcome: { type: 'value', text: '42' } },
      { id: 3, outcome: { type: 'too-large', message: 'matrices are limited to 40,000 elements (200 x 200); the result of ones would have 2,250,000' } },
    ]);
  });
});
