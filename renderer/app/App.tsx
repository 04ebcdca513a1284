// The app shell: a navigation rail over the top-level views and the current view's content. A view is one
// entry in VIEWS (its first route segment, its label, what it renders); later views (editor, viewer, compare)
// add an entry here and nothing else in the shell changes.
import type { ReactNode } from 'react';
import { ComparePage } from '../compare/ComparePage.tsx';
import { RunsView } from '../runs/RunsView.tsx';
import { ViewerPage } from '../viewer/ViewerPage.tsx';
import { LibraryView } from '../library/LibraryView.tsx';
import { EditorView } from '../editor/EditorView.tsx';
import { AppErrorBanner } from './AppErrorBanner.tsx';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import type { Route } from './route.ts';
import { useRoute } from './workbench.tsx';

interface ViewEntry {
  /** The first route segment: `#/runs/...`. */
  segment: string;
  label: string;
  render: (route: Route) => ReactNode;
}

const VIEWS: ViewEntry[] = [
  { segment: 'runs', label: 'Runs', render: (route) => <RunsView route={route} /> },
  { segment: 'library', label: 'Library', render: (route) => <LibraryView route={route} /> },
  { segment: 'editor', label: 'Editor', render: (route) => <EditorView route={route} /> },
  { segment: 'compare', label: 'Compare', render: (route) => <ComparePage route={route} /> },
  { segment: 'viewer', label: 'Step viewer', render: (route) => <ViewerPage route={route} /> },
];

const DEFAULT_VIEW = VIEWS[0];

export function App() {
  const route = useRoute();
  const segment = route.segments[0] ?? DEFAULT_VIEW.segment;
  const view = VIEWS.find((v) => v.segment === segment);
  return (
    <div className="shell">
      <nav className="shell-nav" aria-label="Main">
        <div className="brand" title="TRM Workbench">TRM<span>Workbench</span></div>
        {VIEWS.map((v) => (
          <a key={v.segment} href={`#/${v.segment}`} className={v === view ? 'active' : undefined} aria-current={v === view ? 'page' : undefined}>
            {v.label}
          </a>
        ))}
      </nav>
      <main className="shell-content">
        <AppErrorBanner />
        <ErrorBoundary resetKey={route.segments.join('/')}>
          {view ? view.render(route.segments.length > 0 ? route : { ...route, segments: [DEFAULT_VIEW.segment] }) : <UnknownRoute segment={segment} />}
        </ErrorBoundary>
      </main>
    </div>
  );
}

function UnknownRoute({ segment }: { segment: string }) {
  return (
    <div className="empty-state">
      <h1>No view for “{segment}”</h1>
      <p>This version of the workbench has no page at this address.</p>
      <a href="#/runs">Back to runs</a>
    </div>
  );
}
