// The validation panel's list: the model's validateTask issues, errors first, each with where it is.
import type { TaskIssue } from './model/index.ts';

export function ValidationList({ issues }: { issues: readonly TaskIssue[] }) {
  if (issues.length === 0) return <p className="muted small validation-ok" data-testid="validation">✓ No problems found.</p>;
  const sorted = [...issues].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  return (
    <ul className="validation-list" data-testid="validation">
      {sorted.map((issue, index) => (
        <li key={index} className={`issue-${issue.severity}`}>
          <span className={`issue-badge ${issue.severity}`}>{issue.severity}</span>
          {issue.pair && <code>{issue.pair}</code>} {issue.message}
        </li>
      ))}
    </ul>
  );
}
