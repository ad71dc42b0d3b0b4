export * from './events.ts';
export {
  findReferences,
  findReferencesInValue,
  stepDependencies,
  substituteEvidence,
  substituteInValue,
  truncateEvidence,
  type TruncatedEvidence,
} from './evidence.ts';
export { toErrorInfo } from './error-info.ts';
export {
  Scheduler,
  StepStateError,
  type BreakpointTarget,
  type SchedulerDispatchRequest,
  type SchedulerOptions,
  type SchedulerOutcome,
  type SchedulerRetryOptions,
  type SchedulerSnapshot,
  type StepEdit,
} from './scheduler.ts';
export {
  createRunState,
  findStep,
  findStepIndex,
  reduceRun,
  replayEvents,
  type AnswerState,
  type PlanState,
  type RunPhase,
  type RunState,
  type StepRetryState,
  type StepState,
  type StepStatus,
  type UsageTotals,
} from './run-state.ts';
