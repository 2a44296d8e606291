import { useState } from 'react';
import { LIMITS } from '@/lib/workflow/limits';
import { Button, Card, TextArea } from '@/components/ui';

/**
 * Settings → Standards: the team's standing rules, one per line, added to every briefing of every
 * workflow after the workflow's own. Each save is a new version; a task keeps the version it started with.
 */
export function TeamStandardsSettings({ lines, version, onSave }: { lines: readonly string[]; version: number; onSave: (lines: string[]) => Promise<void> }) {
  const [text, setText] = useState(lines.join('\n'));
  const next = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const tooLong = next.find((line) => line.length > LIMITS.standardLength);
  const tooMany = next.length > LIMITS.standardsCount;
  const changed = next.join('\n') !== lines.join('\n');
  return (
    <Card data-testid="team-standards">
      <h2 className="mb-2 text-base font-semibold">Standards</h2>
      <p className="mb-2 text-sm">
        Rules for every task, whatever the workflow — for example “Never paste customer data; use placeholders.” They go into every briefing after the
        workflow's own standards, marked as your team's.{version > 0 ? ` This is version ${version}; tasks keep the version they started with.` : ''}
      </p>
      <TextArea label="One rule per line" rows={4} value={text} onChange={(e) => setText(e.target.value)} data-testid="team-standards-text" />
      {tooLong ? <p className="mt-1 text-sm text-red-700 dark:text-red-400">A rule is longer than {LIMITS.standardLength.toLocaleString('en-US')} characters; shorten it.</p> : null}
      {tooMany ? <p className="mt-1 text-sm text-red-700 dark:text-red-400">There are more than {LIMITS.standardsCount} rules; keep the ones that matter most.</p> : null}
      <Button size="sm" className="mt-2" disabled={!changed || !!tooLong || tooMany} onClick={() => void onSave(next)} data-testid="save-team-standards">
        Save standards
      </Button>
    </Card>
  );
}
