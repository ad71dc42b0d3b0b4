import { Component, type ErrorInfo, type ReactNode } from 'react';
import { closeActiveRun, deleteRun } from '../store/run-actions.ts';
import { useAppStore } from '../store/store.ts';

interface PanelBoundaryProps {
  /** What the panel shows, for the message ("The graph could not be shown"). */
  name: string;
  children: ReactNode;
}

interface PanelBoundaryState {
  error: Error | null;
  /** The run on screen when the panel failed: another run gets a fresh try. */
  runId: string | null;
}

/** What to do about the run on screen when one of its views fails. */
function BrokenRunActions() {
  const runId = useAppStore((state) => state.activeRunId);
  if (!runId) return null;
  return (
    <>
      {' '}
      <button onClick={closeActiveRun}>Close this run</button>{' '}
      <button onClick={() => void deleteRun(runId)}>Delete this run</button>
    </>
  );
}

/**
 * One panel's failure stays in that panel: a run whose data breaks one view (a crafted trace,
 * a bug) never takes the app down, and the person can close or delete the run that broke it.
 */
export class PanelBoundary extends Component<PanelBoundaryProps, PanelBoundaryState> {
  override state: PanelBoundaryState = { error: null, runId: null };
  private unsubscribe: (() => void) | undefined;

  static getDerivedStateFromError(error: unknown): Partial<PanelBoundaryState> {
    return { error: error instanceof Error ? error : new Error(String(error)), runId: useAppStore.getState().activeRunId };
  }

  override componentDidMount(): void {
    // Opening another run (or closing this one) gives the panel a fresh try.
    this.unsubscribe = useAppStore.subscribe((state) => {
      if (this.state.error && state.activeRunId !== this.state.runId) this.setState({ error: null, runId: null });
    });
  }

  override componentWillUnmount(): void {
    this.unsubscribe?.();
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`Stepwise: the ${this.props.name} panel failed`, error, info.componentStack);
  }

  override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <section className="panel error" role="alert" aria-label={`${this.props.name} failed`}>
        The {this.props.name.toLowerCase()} could not be shown: {this.state.error.message}
        {this.state.runId ? ' This run\'s data may be damaged.' : ''}
        <BrokenRunActions /> <button onClick={() => this.setState({ error: null, runId: null })}>Try again</button>
      </section>
    );
  }
}
