import { useSyncExternalStore, type ReactNode } from 'react';
import { Group, Panel, Separator, useDefaultLayout } from 'react-resizable-panels';

/** Wide enough for panes side by side; narrower screens stack them and the page scrolls. */
const wideQuery = '(min-width: 900px)';

function subscribe(onChange: () => void): () => void {
  const query = globalThis.matchMedia?.(wideQuery);
  query?.addEventListener('change', onChange);
  return () => query?.removeEventListener('change', onChange);
}

const isWide = () => globalThis.matchMedia?.(wideQuery).matches ?? true;

/** Remembered pane sizes (the library reads and writes them); a browser that refuses storage gets the defaults. */
const layoutStorage = {
  getItem: (key: string) => {
    try {
      return globalThis.localStorage?.getItem(key) ?? null;
    } catch {
      return null;
    }
  },
  setItem: (key: string, value: string) => {
    try {
      globalThis.localStorage?.setItem(key, value);
    } catch {
      // Private mode: the sizes are kept for this visit only.
    }
  },
};

/**
 * The workspace, laid out like a browser's DevTools: the plan on the left; on the right the
 * selected step's details above the tabbed panels (graph, timeline, calls…). The person drags
 * (or moves with the arrow keys) the separators; the sizes are remembered. Below 900 px the
 * three stack and the page scrolls.
 */
export function Workspace({ plan, details, panels }: { plan: ReactNode; details: ReactNode; panels: ReactNode }) {
  const wide = useSyncExternalStore(subscribe, isWide, () => true);
  const columns = useDefaultLayout({ id: 'stepwise-columns', storage: layoutStorage });
  const side = useDefaultLayout({ id: 'stepwise-side', storage: layoutStorage });
  if (!wide) {
    return (
      <main className="workspace stacked">
        <div className="pane">{plan}</div>
        <div className="pane">{details}</div>
        <div className="pane">{panels}</div>
      </main>
    );
  }
  return (
    <main className="workspace">
      <Group orientation="horizontal" defaultLayout={columns.defaultLayout} onLayoutChanged={columns.onLayoutChanged}>
        <Panel id="plan" defaultSize="55" minSize="25">
          <div className="pane">{plan}</div>
        </Panel>
        <Separator className="splitter" aria-label="Resize the plan and the side panes" />
        <Panel id="side" minSize="25">
          <Group orientation="vertical" defaultLayout={side.defaultLayout} onLayoutChanged={side.onLayoutChanged}>
            <Panel id="details" defaultSize="55" minSize="10">
              <div className="pane">{details}</div>
            </Panel>
            <Separator className="splitter" aria-label="Resize the step details and the panels" />
            <Panel id="panels" minSize="15">
              <div className="pane">{panels}</div>
            </Panel>
          </Group>
        </Panel>
      </Group>
    </main>
  );
}
