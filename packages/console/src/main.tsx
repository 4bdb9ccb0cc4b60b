/**
 * @module The dbplane web console: a React single-page app over the HTTP API,
 * built by Vite into `dist/`, which `dbplane up` serves at `/`.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import './styles/base.css';
import './styles/graph.css';
import './styles/pages.css';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
