import { useEffect } from 'react';

export interface DebuggerKeys {
  runOrContinue: () => void;
  step: () => void;
  stop: () => void;
  toggleBreakpoint: (stepId: string) => void;
}

/**
 * The keys people know from VS Code: F5 run/continue, F10 step, Shift+F5 stop, F9 toggle a
 * breakpoint on the focused step (any element inside it carries `data-step-id`).
 */
export function useKeyboardShortcuts(keys: DebuggerKeys): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'F5' && event.shiftKey) keys.stop();
      else if (event.key === 'F5') keys.runOrContinue();
      else if (event.key === 'F10') keys.step();
      else if (event.key === 'F9') {
        const focused = document.activeElement?.closest<HTMLElement>('[data-step-id]');
        if (!focused?.dataset.stepId) return;
        keys.toggleBreakpoint(focused.dataset.stepId);
      } else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [keys]);
}
