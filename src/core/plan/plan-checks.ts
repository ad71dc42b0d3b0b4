import { closest, distance } from 'fastest-levenshtein';
import type { PlanProblem, PlanStep } from './types.ts';

function onLine(line: number | undefined): string {
  return line === undefined ? '' : ` on line ${line}`;
}

/** A problem with a line number only where there is one, so objects compare cleanly. */
export function planProblem(message: string, line?: number): PlanProblem {
  return line === undefined ? { message } : { message, line };
}

function variableNumber(id: string): number {
  const number = Number(id.slice(2));
  return Number.isFinite(number) ? number : 0;
}

/**
 * The checks that concern the order of a plan: duplicate variables and references to variables
 * that no earlier step defines. Incremental, so the streaming parser can check each step as it
 * arrives and the result is the same as checking the whole plan at the end.
 */
export class PlanChecker {
  private readonly defined = new Map<string, number | undefined>();
  private readonly unreadable = new Set<string>();
  private highest = 0;

  /**
   * Records a variable whose step could not be read at all (it already has its own error), so
   * that later steps using it do not pile up a second error each.
   */
  markUnreadable(id: string): void {
    this.unreadable.add(id);
    this.highest = Math.max(this.highest, variableNumber(id));
  }

  /** Whether a step before defined `id`. */
  isDefined(id: string): boolean {
    return this.defined.has(id);
  }

  /** Checks one step against the steps before it and records its variable. */
  check(step: PlanStep): PlanProblem[] {
    const problems: PlanProblem[] = [];
    const where = onLine(step.line);
    const duplicate = this.defined.has(step.id);
    if (duplicate) {
      const firstLine = this.defined.get(step.id);
      problems.push(
        planProblem(
          `${step.id}${where} is already defined${firstLine === undefined ? ' by an earlier step' : ` on line ${firstLine}`}; give this step a new variable such as #E${this.highest + 1}.`,
          step.line,
        ),
      );
    }
    for (const reference of step.deps) {
      // In a duplicate, its own variable means the earlier step's result: the duplicate error covers it.
      if (reference === step.id && duplicate) continue;
      if (reference === step.id) {
        problems.push(planProblem(`${step.id}${where} uses its own result ${reference}; a step can only use the results of steps above it.`, step.line));
      } else if (!this.defined.has(reference) && !this.unreadable.has(reference)) {
        problems.push(
          planProblem(`${step.id}${where} uses ${reference}, which no earlier step defines; a step can only use the results of steps above it.`, step.line),
        );
      }
    }
    if (!this.defined.has(step.id)) this.defined.set(step.id, step.line);
    this.highest = Math.max(this.highest, variableNumber(step.id));
    return problems;
  }
}

/** Duplicate variables and references to undefined or later variables, in plan order. */
export function checkPlan(steps: readonly PlanStep[]): PlanProblem[] {
  const checker = new PlanChecker();
  return steps.flatMap((step) => checker.check(step));
}

// Parts of tool names too generic to say which tool was meant.
const genericParts = new Set(['get', 'set', 'search', 'find', 'tool', 'the', 'api', 'run', 'web', 'query']);

function meaningfulParts(name: string): string[] {
  return name
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((part) => part.length >= 3 && !genericParts.has(part));
}

/**
 * The declared tool a misspelt name most likely meant, or undefined when none is close:
 * the nearest by edit distance, or one that shares a distinctive part (`wiki` in
 * `wikipedia_lookup`).
 */
export function suggestTool(name: string, toolNames: readonly string[]): string | undefined {
  if (toolNames.length === 0) return undefined;
  const lowered = name.toLowerCase();
  const byLowered = new Map(toolNames.map((toolName) => [toolName.toLowerCase(), toolName]));
  const nearest = closest(lowered, [...byLowered.keys()]);
  const nearestDistance = distance(lowered, nearest);
  if (nearestDistance <= Math.max(2, Math.floor(Math.max(lowered.length, nearest.length) * 0.5))) return byLowered.get(nearest);
  // A shortened name ("calc", "bilibili") is part of the one meant.
  const extending = toolNames.filter((toolName) => lowered.length >= 4 && toolName.toLowerCase().includes(lowered));
  if (extending.length === 1) return extending[0];
  const sharing = toolNames.filter((toolName) => meaningfulParts(toolName).some((part) => lowered.includes(part)));
  if (sharing.length === 0) return undefined;
  return sharing.reduce((best, candidate) => (distance(lowered, candidate.toLowerCase()) < distance(lowered, best.toLowerCase()) ? candidate : best));
}

/** The error for a step that names a tool that is not enabled, with the likeliest intended one. */
export function unknownToolProblem(name: string, toolNames: readonly string[], line?: number): PlanProblem {
  const suggestion = suggestTool(name, toolNames);
  const head = `Unknown tool "${name}"${onLine(line)}.`;
  let message: string;
  if (suggestion !== undefined) message = `${head} Did you mean "${suggestion}"?`;
  else if (toolNames.length === 0) message = `${head} No tools are enabled.`;
  else message = `${head} Enabled tools: ${toolNames.join(', ')}.`;
  return planProblem(message, line);
}
