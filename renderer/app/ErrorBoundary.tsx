// A render error shows what went wrong and a way back, instead of a blank window.
import { Component, type ErrorInfo, type ReactNode } from 'react';

interface ErrorBoundaryState {
  error: Error | null;
}

export class ErrorBoundary extends Component<{ children: ReactNode; resetKey?: string }, ErrorBoundaryState> {
  override state: ErrorBoundaryState = { error: null };

  static getDerivedStateFromError(error: Error): ErrorBoundaryState {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('render error', error, info.componentStack);
  }

  override componentDidUpdate(previous: { resetKey?: string }): void {
    // Navigating elsewhere gives the new view a fresh chance to render.
    if (this.state.error && previous.resetKey !== this.props.resetKey) this.setState({ error: null });
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="error-screen" role="alert">
        <h1>Something went wrong</h1>
        <p>This view failed to render. Your runs and data are not affected.</p>
        <pre>{error.stack ?? error.message}</pre>
        <div className="button-row">
          <button className="primary" onClick={() => this.setState({ error: null })}>Try again</button>
          <button onClick={() => { window.location.hash = '#/runs'; this.setState({ error: null }); }}>Go to runs</button>
          <button onClick={() => window.location.reload()}>Reload</button>
        </div>
      </div>
    );
  }
}
