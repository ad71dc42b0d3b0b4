import { useEffect } from 'react';

export interface DebuggerKeys {
  runOrContinue: () => void;
  /** Continue only (F8, Ctrl+\): never starts a new run. */
  continue: () => void;
  step: () => void;
  stop: () => void;
  toggleBreakpoint: (stepId: string) => void;
}

/**
 * The keys people know from VS Code and Chrome DevTools: F5 run/continue, F8 and Ctrl+\ (⌘\ on
 * macOS) continue, F10 and Ctrl+' (⌘') step, Shift+F5 stop, F9 toggle a breakpoint on the
 * focused step (any element inside it carries `data-step-id`). A page cannot always keep F5 from
 * the browser, hence the DevTools keys.
 */
export function useKeyboardShortcuts(keys: DebuggerKeys): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const modifier = event.ctrlKey || event.metaKey;
      if (event.key === 'F5' && event.shiftKey) keys.stop();
      else if (event.key === 'F5') keys.runOrContinue();
      else if (event.key === 'F8' || (modifier && event.key === '\\')) keys.continue();
      else if (event.key === 'F10' || (modifier && event.key === "'")) keys.step();
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
