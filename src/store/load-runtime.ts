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
