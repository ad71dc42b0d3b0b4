import { useEffect, useState } from 'react';
import { useAppStore } from '../store/store.ts';

/** What the zero-server default did. */
export type ZeroServerDefault =
  | { status: 'checking' }
  /** Nothing to do: an endpoint is set up, or the person chose the roles. */
  | { status: 'not-needed' }
  /** Every role runs on the in-browser model; `message` says so and recommends the endpoint for hard tasks. */
  | { status: 'in-browser'; engine: 'webgpu' | 'cpu'; modelLabel: string; message: string };

// Remembers, across reloads, that the roles were set by this default and not by the person:
// "applied:<engine>" while they are, "settled" once the person or an endpoint took over.
const markerKey = 'stepwise.zero-server-default';

function readMarker(): string | null {
  try {
    return globalThis.localStorage?.getItem(markerKey) ?? null;
  } catch {
    return null;
  }
}

function writeMarker(value: string): void {
  try {
    globalThis.localStorage?.setItem(markerKey, value);
  } catch {
    // Storage refused (private mode): the default then applies again on the next visit, which is harmless.
  }
}

function messageFor(engine: 'webgpu' | 'cpu', modelLabel: string): string {
  const where = engine === 'webgpu' ? 'on the GPU (WebGPU)' : 'on the CPU';
  return (
    `No planner endpoint is set up, so ${modelLabel} runs in this page ${where} and plans, calls the tools and answers: no server needed. ` +
    'For hard tasks a large planner behind the planner endpoint is recommended (Settings).'
  );
}

/**
 * The zero-server default: on first open, when no planner endpoint is set up, every role goes
 * to the recommended in-browser engine. When an endpoint is set up later and the person has not
 * changed the roles, they go back to the endpoint. Call it once, from the App.
 */
export function useZeroServerDefault(): ZeroServerDefault {
  const [state, setState] = useState<ZeroServerDefault>({ status: 'checking' });

  useEffect(() => {
    let cancelled = false;
    let unsubscribe: (() => void) | undefined;

    const watch = ({ allRoles, hasPlannerEndpoint }: Pick<typeof import('../store/model-actions.ts'), 'allRoles' | 'hasPlannerEndpoint'>) => {
      unsubscribe = useAppStore.subscribe((current, previous) => {
        // Only a change of settings matters (the store changes every frame while a run streams).
        if (current.settings === previous.settings) return;
        const marker = readMarker();
        if (!marker?.startsWith('applied:')) return;
        const engine = marker.slice('applied:'.length) as 'webgpu' | 'cpu';
        const { settings } = current;
        if (!allRoles(settings, engine)) {
          // The person chose the roles: leave them alone from now on.
          writeMarker('settled');
          setState({ status: 'not-needed' });
        } else if (hasPlannerEndpoint(settings)) {
          writeMarker('settled');
          setState({ status: 'not-needed' });
          current.updateSettings({ roles: { planner: 'planner-endpoint', toolCaller: 'planner-endpoint', solver: 'planner-endpoint' } });
        }
      });
    };

    // The model catalog and the capability checks load after the first paint.
    const decide = async () => {
      const { allRoles, hasPlannerEndpoint, recommendModel, sharedCapabilities, zeroServerSettings } = await import('../store/model-actions.ts');
      const capabilities = await sharedCapabilities();
      if (cancelled) return;
      const { settings, updateSettings } = useAppStore.getState();
      const marker = readMarker();
      if (marker?.startsWith('applied:')) {
        const engine = marker.slice('applied:'.length) as 'webgpu' | 'cpu';
        if (allRoles(settings, engine) && !hasPlannerEndpoint(settings)) {
          const label = recommendModel(capabilities).model.label;
          setState({ status: 'in-browser', engine, modelLabel: label, message: messageFor(engine, label) });
        } else setState({ status: 'not-needed' });
      } else if (marker === null) {
        const decision = zeroServerSettings(settings, capabilities);
        if (decision) {
          writeMarker(`applied:${decision.engine}`);
          updateSettings(decision.change);
          setState({ status: 'in-browser', engine: decision.engine, modelLabel: decision.modelLabel, message: messageFor(decision.engine, decision.modelLabel) });
        } else {
          writeMarker('settled');
          setState({ status: 'not-needed' });
        }
      } else setState({ status: 'not-needed' });
      watch({ allRoles, hasPlannerEndpoint });
    };

    // Settings come from IndexedDB: decide on what the person saved, not on the defaults.
    const persist = useAppStore.persist;
    if (persist.hasHydrated()) void decide();
    else {
      const stop = persist.onFinishHydration(() => {
        stop();
        void decide();
      });
      unsubscribe = stop;
    }
    return () => {
      cancelled = true;
      unsubscribe?.();
    };
  }, []);

  return state;
}
