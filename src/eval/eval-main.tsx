// The eval page's entry (eval.html): the tool-calling suite, outside the app and its store.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { EvalPage } from './eval-page.tsx';
import '../ui/app.css';
import './eval-page.css';

const root = document.getElementById('root');
if (!root) throw new Error('eval.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <EvalPage />
  </StrictMode>,
);
