// Runs: the run manager. `#/runs` is the table, `#/runs/new` the new-run form, `#/runs/<id>` one run's page.
// The live run list is owned here so the table keeps its data (and the user's place) across those pages.
import type { Route } from '../app/route.ts';
import { useLiveRuns } from './live-runs.ts';
import { NewRunForm } from './NewRunForm.tsx';
import { RunPage } from './RunPage.tsx';
import { RunsTablePage } from './RunsTablePage.tsx';

export function RunsView({ route }: { route: Route }) {
  const live = useLiveRuns();
  const [, page] = route.segments;
  if (page === undefined) return <RunsTablePage route={route} live={live} />;
  if (page === 'new') return <NewRunForm route={route} onCreated={live.refresh} />;
  const runId = Number(page);
  if (Number.isInteger(runId) && runId > 0) return <RunPage key={runId} runId={runId} live={live} />;
  return <div className="empty-state"><h1>No such run page</h1><a href="#/runs">Back to runs</a></div>;
}
