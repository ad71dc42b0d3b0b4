// @vitest-environment jsdom
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useAppStore } from '../store/store.ts';
import { PanelBoundary } from './panel-boundary.tsx';

afterEach(cleanup);

function Broken(): never {
  throw new TypeError("Cannot read properties of undefined (reading 'constructor')");
}

describe('PanelBoundary', () => {
  it('keeps a failing panel to itself and offers to close the run that broke it', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    useAppStore.setState({ activeRunId: 'crafted', activeRun: null });
    render(
      <>
        <PanelBoundary name="Graph">
          <Broken />
        </PanelBoundary>
        <PanelBoundary name="Plan">
          <p>Plan still here</p>
        </PanelBoundary>
      </>,
    );
    const alert = screen.getByRole('alert', { name: 'Graph failed' });
    expect(alert.textContent).toContain('The graph could not be shown');
    expect(screen.getByText('Plan still here')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Close this run' }));
    expect(useAppStore.getState().activeRunId).toBeNull();
    // Another run on screen gives the panel a fresh try (here it fails again, the same way).
    expect(screen.getByRole('alert', { name: 'Graph failed' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Close this run' })).toBeNull();
  });
});
