/** The code that runs agents (see runtime.ts). It loads on first use, not with the page. */
export type Runtime = typeof import('./runtime.ts');

let loaded: Runtime | undefined;

/** Loads the runtime (once) and resolves with it. */
export async function loadRuntime(): Promise<Runtime> {
  loaded ??= await import('./runtime.ts');
  return loaded;
}

/** The runtime if it has loaded already. */
export const loadedRuntime = (): Runtime | undefined => loaded;

/** Sets up the calculator's math library in its worker ahead of its first step, when the calculator is enabled. */
export function warmCalculatorIfEnabled(runtime: Runtime): void {
  if (runtime.enabledTools().some((tool) => tool.name === 'calculator')) runtime.warmCalculator();
}

/** Runs `callback` when the page is idle (or soon, where the browser cannot say). */
function whenIdle(callback: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(callback, { timeout: 5000 });
  else setTimeout(callback, 200);
}

/**
 * After the first paint, while the page is idle: loads the runtime and compiles the argument
 * validator of each enabled tool, one per idle slice, then sets up the calculator's math library
 * in its worker, so that the first Run pays for none of them (and a run's first seconds do not
 * share the machine with a worker loading mathjs).
 */
export function warmRuntimeWhenIdle(): void {
  whenIdle(() => {
    void loadRuntime().then((runtime) => {
      const tools = runtime.enabledTools();
      const next = () => {
        const tool = tools.shift();
        if (!tool) {
          warmCalculatorIfEnabled(runtime);
          return;
        }
        runtime.validatorFor(tool.parameters);
        whenIdle(next);
      };
      whenIdle(next);
    });
  });
}
