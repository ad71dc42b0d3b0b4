import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ReplayPage } from './ui/replay-page.tsx';
import './ui/app.css';

// The replay page's entry (replay.html, built into one file by vite.replay.config.ts): the trace
// is in the page, in <script type="application/json" id="stepwise-trace">.
const root = document.getElementById('root');
if (!root) throw new Error('replay.html has no #root element');
const traceText = document.getElementById('stepwise-trace')?.textContent ?? '';
createRoot(root).render(
  <StrictMode>
    <ReplayPage traceText={traceText} />
  </StrictMode>,
);
