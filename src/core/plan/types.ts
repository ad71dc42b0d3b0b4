/** One step of a plan: `#E1 = search_wiki[Killers of the Flower Moon]`. */
export interface PlanStep {
  /** The evidence variable this step fills, e.g. `#E1`. */
  id: string;
  /** The tool's name, spelled as in the enabled tool list. */
  tool: string;
  /** The raw input text as the planner wrote it, `#E` references unsubstituted. */
  input: string;
  /** Evidence variables the input refers to, in order of first mention, without duplicates. */
  deps: string[];
  /** The planner's `Plan:` line before the call, when there is one. */
  thought?: string;
  /** Structured arguments, from JSON plans; string values may hold `#E` references. */
  args?: Record<string, unknown>;
  /** 1-based line of the call in the planner text. */
  line?: number;
}

export interface PlanProblem {
  message: string;
  /** 1-based line in the planner text. */
  line?: number;
}

export interface ParsedPlan {
  steps: PlanStep[];
  /** Problems that block running the plan. */
  errors: PlanProblem[];
  /** Remarks that do not block running it. */
  warnings: PlanProblem[];
}

/** A step emitted by the streaming parser, with the blocking problems that concern it alone. */
export interface StreamedStep {
  step: PlanStep;
  errors: PlanProblem[];
}

/** Plans longer than this are cut unless the run says otherwise (`maxPlanSteps`). */
export const defaultMaxPlanSteps = 300;
