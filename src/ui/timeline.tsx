import { memo } from 'react';
import type { RunState, StepStatus } from '../core/run/run-state.ts';
import { stepStatusColor } from './step-status.ts';
import { statusLabel } from './step-status.ts';

/** One bar of the timeline: a span of the run, in milliseconds since it started. */
export interface TimelineSpan {
  /** `planner`, `solver` or the step's variable. */
  key: string;
  kind: 'planner' | 'step' | 'solver';
  label: string;
  start: number;
  end: number;
  /** Still going: the end is "now". */
  open: boolean;
  /** For steps. */
  status?: StepStatus;
  description: string;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/**
 * The spans a run's state allows: the planner from the start to the end of the plan, each step
 * from its latest `call-start` to the event that finished it, and the solver from its start to
 * the end of the answer. The planner and solver spans are derived from their durations, since
 * the state keeps durations rather than start times.
 */
export function timelineSpans(run: RunState, now: number = run.lastEventAt): TimelineSpan[] {
  const spans: TimelineSpan[] = [];
  const planEnd = run.plan.ended ? run.plan.durationMs : run.status === 'planning' ? now : undefined;
  if (planEnd !== undefined) {
    const open = !run.plan.ended;
    spans.push({
      key: 'planner',
      kind: 'planner',
      label: 'planner',
      start: 0,
      end: planEnd,
      open,
      description: open ? `planner: writing the plan, ${seconds(planEnd)} so far` : `planner: ${seconds(planEnd)}`,
    });
  }

  let lastStepEnd = planEnd ?? 0;
  for (const step of run.steps) {
    if (step.startedAt === undefined) continue;
    const open = step.endedAt === undefined || step.endedAt < step.startedAt;
    const end = open ? Math.max(now, step.startedAt) : (step.endedAt as number);
    lastStepEnd = Math.max(lastStepEnd, end);
    const status = statusLabel(step.status);
    const tries = step.attempts > 1 ? `, ${step.attempts} tries` : '';
    spans.push({
      key: step.id,
      kind: 'step',
      label: `${step.id} ${step.tool}`,
      start: step.startedAt,
      end,
      open,
      status: step.status,
      description: open
        ? `${step.id} ${step.tool}: ${status}, ${seconds(end - step.startedAt)} so far${tries}`
        : `${step.id} ${step.tool}: ${seconds(end - step.startedAt)}, ${status}${tries} (${seconds(step.startedAt)} to ${seconds(end)})`,
    });
  }

  const answer = run.answer;
  if (answer.status === 'done' && answer.durationMs !== undefined) {
    const end = run.endedAt ?? now;
    spans.push({ key: 'solver', kind: 'solver', label: 'solver', start: Math.max(0, end - answer.durationMs), end, open: false, description: `solver: ${seconds(answer.durationMs)}` });
  } else if (answer.status === 'streaming' || answer.status === 'failed') {
    const open = answer.status === 'streaming';
    const end = open ? now : (run.endedAt ?? now);
    const start = Math.min(lastStepEnd, end);
    spans.push({
      key: 'solver',
      kind: 'solver',
      label: 'solver',
      start,
      end,
      open,
      description: open ? `solver: writing the answer, ${seconds(end - start)} so far` : `solver: failed after about ${seconds(end - start)}`,
    });
  }
  return spans;
}

/** A step for the axis that gives at most about eight ticks. */
function tickStep(totalMs: number): number {
  const candidates = [100, 200, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000];
  return candidates.find((candidate) => totalMs / candidate <= 8) ?? Math.ceil(totalMs / 8 / 3_600_000) * 3_600_000;
}

function tickLabel(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`;
}

const width = 640;
const labelWidth = 150;
const rightPadding = 14;
const rowHeight = 22;
const barHeight = 14;
const axisHeight = 22;
const minimumBarWidth = 2;

/** One bar and its label; memoised so that a frame re-renders only the bars that moved. */
const TimelineRow = memo(
  function TimelineRow({ span, top, left, right }: { span: TimelineSpan; top: number; left: number; right: number }) {
    const barWidth = Math.max(minimumBarWidth, right - left);
    const color = span.status ? stepStatusColor(span.status) : span.kind === 'planner' ? 'var(--accent, #2563eb)' : 'var(--waiting, #7c3aed)';
    return (
      <g className={`timeline-row timeline-${span.kind}`}>
        <text x={labelWidth - 8} y={top + rowHeight / 2} dominantBaseline="central" textAnchor="end" fill="currentColor" fontFamily="ui-monospace, monospace">
          {span.label}
        </text>
        <rect
          className={`timeline-bar${span.status ? ` status-${span.status}` : ''}${span.open ? ' open' : ''}`}
          data-key={span.key}
          data-start-ms={span.start}
          data-end-ms={span.end}
          x={left}
          y={top + (rowHeight - barHeight) / 2}
          width={barWidth}
          height={barHeight}
          rx={3}
          strokeDasharray={span.open ? '3 2' : undefined}
          style={{ fill: `color-mix(in srgb, ${color} ${span.open ? 25 : 55}%, Canvas)`, stroke: color }}
        >
          <title>{span.description}</title>
        </rect>
      </g>
    );
  },
  (a, b) =>
    a.top === b.top && a.left === b.left && a.right === b.right && a.span.key === b.span.key && a.span.label === b.span.label && a.span.status === b.span.status &&
    a.span.open === b.span.open && a.span.start === b.span.start && a.span.end === b.span.end && a.span.description === b.span.description && a.span.kind === b.span.kind,
);

/** Props of `Timeline`. */
export interface TimelineProps {
  /** The run on screen. */
  run: RunState;
  /** "Now" for spans still going, in ms since the run started (default: the latest event's time). */
  now?: number;
}

/**
 * A Gantt chart of the run on one axis in seconds: the planner, every step that has started and
 * the solver, each a bar from its start to its end, so that steps running at the same time show
 * as bars that overlap. Each bar's `<title>` names the step, the tool and the duration.
 */
export const Timeline = memo(function Timeline({ run, now }: TimelineProps) {
  const spans = timelineSpans(run, now ?? run.lastEventAt);
  if (spans.length === 0) {
    return (
      <figure className="timeline" aria-label="Timeline">
        <p className="hint">The timeline fills in as the run goes.</p>
      </figure>
    );
  }

  const total = Math.max(1, ...spans.map((span) => span.end));
  const step = tickStep(total);
  const axisEnd = Math.ceil(total / step) * step;
  const plotWidth = width - labelWidth - rightPadding;
  const x = (ms: number) => labelWidth + (ms / axisEnd) * plotWidth;
  const height = axisHeight + spans.length * rowHeight + 4;
  const ticks: number[] = [];
  for (let tick = 0; tick <= axisEnd + 1e-6; tick += step) ticks.push(tick);
  const stepCount = spans.filter((span) => span.kind === 'step').length;

  return (
    <figure className="timeline" aria-label="Timeline" tabIndex={0} style={{ margin: 0, overflowX: "auto" }}>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        // Fits the column down to 75 % of its size (text stays legible), then scrolls sideways.
        style={{ width: '100%', maxWidth: width, minWidth: width * 0.75, height: 'auto', display: 'block' }}
        fontSize={11}
      >
        <title>{`Timeline: ${stepCount} ${stepCount === 1 ? 'step' : 'steps'} over ${seconds(total)}`}</title>
        <g className="timeline-axis" aria-hidden="true">
          {ticks.map((tick) => (
            <g key={tick}>
              <line x1={x(tick)} x2={x(tick)} y1={axisHeight - 4} y2={height} stroke="currentColor" strokeOpacity={0.12} />
              <text x={x(tick)} y={axisHeight - 8} textAnchor="middle" fill="currentColor" fillOpacity={0.65}>
                {tickLabel(tick)}
              </text>
            </g>
          ))}
        </g>
        {spans.map((span, index) => (
          <TimelineRow key={span.key} span={span} top={axisHeight + index * rowHeight} left={x(span.start)} right={x(span.end)} />
        ))}
      </svg>
    </figure>
  );
});
