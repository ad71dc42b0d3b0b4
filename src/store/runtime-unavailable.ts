/**
 * The replay page's stand-in for runtime.ts (see vite.replay.config.ts): a replay runs no model
 * and no tool, so the runtime is left out of the single file.
 */
export function loadRuntimeUnavailable(): never {
  throw new Error('A replay page only replays: it runs no model and no tool.');
}
export const startRun = loadRuntimeUnavailable;
export const parsePlan = loadRuntimeUnavailable;
export const validatorFor = loadRuntimeUnavailable;
export const buildEngines = loadRuntimeUnavailable;
export const allTools = (): never[] => [];
export const enabledTools = (): never[] => [];
export const requiresApproval = () => true;
export const warmCalculator = () => undefined;
