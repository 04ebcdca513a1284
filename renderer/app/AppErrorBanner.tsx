// Errors the backend hit outside any request (an uncaught exception in the main process or the server): one line
// each at the top of the window, until dismissed, so a failure is seen and not only written to the log.
import { useState } from 'react';
import { useWorkbenchEvents } from './workbench.tsx';

const MAX_SHOWN = 3;

export function AppErrorBanner() {
  const [errors, setErrors] = useState<{ message: string; at: number }[]>([]);
  useWorkbenchEvents((event) => {
    if (event.type === 'app-error') setErrors((shown) => [...shown, { message: event.message, at: event.at }].slice(-MAX_SHOWN));
  });
  if (errors.length === 0) return null;
  return (
    <div className="app-errors" role="alert">
      {errors.map((error) => (
        <div key={`${error.at}:${error.message}`} className="error-banner">
          <span>{new Date(error.at).toLocaleTimeString()} · {error.message}</span>
          <button type="button" onClick={() => setErrors((shown) => shown.filter((e) => e !== error))} aria-label="Dismiss">×</button>
        </div>
      ))}
    </div>
  );
}
