export { buildSolverMessages, solve } from './solver.ts';
export type { SolverStep } from './solver.ts';
