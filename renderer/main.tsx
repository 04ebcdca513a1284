// Renderer entry: connects to the backend (Electron bridge or browser-mode WebSocket) and mounts the shell.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getApi } from '../preload/ws-client.ts';
import { App } from './app/App.tsx';
import { ErrorBoundary } from './app/ErrorBoundary.tsx';
import { ApiProvider } from './app/workbench.tsx';

const root = createRoot(document.getElementById('root')!);

function start(): void {
  let api;
  try {
    api = getApi();
  } catch (error) {
    root.render(
      <div className="error-screen" role="alert">
        <h1>Cannot reach the workbench backend</h1>
        <pre>{error instanceof Error ? error.message : String(error)}</pre>
      </div>,
    );
    return;
  }
  root.render(
    <StrictMode>
      <ErrorBoundary>
        <ApiProvider value={api}>
          <App />
        </ApiProvider>
      </ErrorBoundary>
    </StrictMode>,
  );
}

start();
