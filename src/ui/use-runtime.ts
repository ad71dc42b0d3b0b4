import { useEffect, useMemo, useState } from 'react';
import { loadedRuntime, loadRuntime, type Runtime } from '../store/load-runtime.ts';
import { useAppStore } from '../store/store.ts';

/** The runtime (agent, engines, toolkit), loading it on first use; undefined until it has loaded. */
export function useRuntime(): Runtime | undefined {
  const [runtime, setRuntime] = useState(loadedRuntime);
  useEffect(() => {
    if (runtime) return;
    let current = true;
    void loadRuntime().then((module) => current && setRuntime(module));
    return () => {
      current = false;
    };
  }, [runtime]);
  return runtime;
}

/** The names of the tools switched on in Settings (none until the runtime has loaded). */
export function useEnabledToolNames(): string[] {
  const runtime = useRuntime();
  const customTools = useAppStore((state) => state.customTools);
  const mcpStatus = useAppStore((state) => state.mcpStatus);
  const disabledTools = useAppStore((state) => state.settings.disabledTools);
  // enabledTools() reads these three from the store; they are the memo's real inputs.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useMemo(() => runtime?.enabledTools().map((tool) => tool.name) ?? [], [runtime, customTools, mcpStatus, disabledTools]);
}
