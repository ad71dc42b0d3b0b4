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

/** Runs `callback` when the page is idle (or soon, where the browser cannot say). */
function whenIdle(callback: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(callback, { timeout: 5000 });
  else setTimeout(callback, 200);
}

/**
 * After the first paint, while the page is idle: loads the runtime and compiles the argument
 * validator of each enabled tool, one per idle slice, so that the first Run pays for neither.
 */
export function warmRuntimeWhenIdle(): void {
  whenIdle(() => {
    void loadRuntime().then((runtime) => {
      const tools = runtime.enabledTools();
      const next = () => {
        const tool = tools.shift();
        if (!tool) return;
        runtime.validatorFor(tool.parameters);
        whenIdle(next);
      };
      whenIdle(next);
    });
  });
}
