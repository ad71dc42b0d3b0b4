import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/app.tsx';
import './ui/app.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
// `?view=planner-eval`: the planner eval page (its code loads only then).
const PlannerEvalPage = lazy(() => import('./ui/planner-eval-page.tsx'));
const view = new URLSearchParams(location.search).get('view');
createRoot(root).render(
  <StrictMode>
    {view === 'planner-eval' ? (
      <Suspense fallback={<p>Loading the planner eval…</p>}>
        <PlannerEvalPage />
      </Suspense>
    ) : (
      <App />
    )}
  </StrictMode>,
);
