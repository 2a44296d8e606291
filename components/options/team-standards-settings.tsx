import { useState } from 'react';
import { LIMITS } from '@/lib/workflow/limits';
import type { PublishedTeamStandards } from '@/lib/workflow/records';
import { Badge, Button, Card, TextArea } from '@/components/ui';

/**
 * Settings → Standards: the team's standing rules, one per line, added to every briefing of every
 * workflow after the workflow's own. Each save is a new version; a task keeps the version it started with.
 * With a team workspace, the version a lead published there applies in place of these (shown read-only,
 * as the team's); a lead connected to the workspace publishes the saved ones as the team's next version.
 */
export function TeamStandardsSettings({
  lines,
  version,
  onSave,
  published,
  onPublish,
}: {
  lines: readonly string[];
  version: number;
  onSave: (lines: string[]) => Promise<void>;
  /** The team workspace's newest valid published version, when there is one. */
  published?: PublishedTeamStandards | undefined;
  /** Given when this person is a lead connected to the workspace. */
  onPublish?: (() => Promise<void>) | undefined;
}) {
  const [text, setText] = useState(lines.join('\n'));
  const next = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const tooLong = next.find((line) => line.length > LIMITS.standardLength);
  const tooMany = next.length > LIMITS.standardsCount;
  const changed = next.join('\n') !== lines.join('\n');
  const alreadyPublished = published !== undefined && published.lines.join('\n') === lines.join('\n');
  return (
    <Card data-testid="team-standards">
      <h2 className="mb-2 text-base font-semibold">Standards</h2>
      {published ? <PublishedTeamStandards published={published} lead={onPublish !== undefined} /> : null}
      <p className="mb-2 text-sm">
        {published && onPublish ? (
          <>
            Your standards, below, are what you publish: save a change, then <em>Publish to the team</em> to make it the team's next version. Until
            then new tasks use the team's version above.{version > 0 ? ` This is version ${version} of yours.` : ''}
          </>
        ) : published ? (
          <>
            Your own standards, below, apply only where your team has published none: while the team's version above is in force, new tasks use it
            instead.{version > 0 ? ` This is version ${version} of yours.` : ''}
          </>
        ) : (
          <>
            Rules for every task, whatever the workflow — for example “Never paste customer data; use placeholders.” They go into every briefing after
            the workflow's own standards, marked as your team's.{version > 0 ? ` This is version ${version}; tasks keep the version they started with.` : ''}
          </>
        )}
      </p>
      <TextArea label="One rule per line" rows={4} value={text} onChange={(e) => setText(e.target.value)} data-testid="team-standards-text" />
      {tooLong ? <p className="mt-1 text-sm text-red-700 dark:text-red-400">A rule is longer than {LIMITS.standardLength.toLocaleString('en-US')} characters; shorten it.</p> : null}
      {tooMany ? <p className="mt-1 text-sm text-red-700 dark:text-red-400">There are more than {LIMITS.standardsCount} rules; keep the ones that matter most.</p> : null}
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <Button size="sm" disabled={!changed || !!tooLong || tooMany} onClick={() => void onSave(next)} data-testid="save-team-standards">
          Save standards
        </Button>
        {onPublish ? (
          <Button
            size="sm"
            variant="primary"
            disabled={changed || lines.length === 0 || alreadyPublished}
            onClick={() => void onPublish()}
            data-testid="publish-team-standards"
            title={changed ? 'Save first: the saved standards are published.' : alreadyPublished ? 'The team already has these.' : undefined}
          >
            Publish to the team
          </Button>
        ) : null}
      </div>
    </Card>
  );
}

/** The team's published standards, read-only: marked as the team's, with the version and who published it. */
function PublishedTeamStandards({ published, lead }: { published: PublishedTeamStandards; lead: boolean }) {
  const when = new Date(published.publishedBy.at).toLocaleString();
  return (
    <section
      className="mb-3 rounded border border-zinc-200 p-3 dark:border-zinc-700"
      data-testid="team-standards-published"
      data-source="team"
      data-version={published.version}
      aria-label="Your team's standards"
    >
      <p className="flex flex-wrap items-center gap-2 text-sm">
        <Badge tone="info">team</Badge>
        <strong>Your team's standards, version {published.version}</strong>
        <span>
          published by {published.publishedBy.name} on {when}
        </span>
      </p>
      <ul className="mt-2 list-disc pl-5 text-sm">
        {published.lines.map((line, i) => (
          <li key={i}>{line}</li>
        ))}
      </ul>
      <p className="mt-2 text-xs text-zinc-700 dark:text-zinc-300">
        {lead ? 'Published versions never change: publish a new one.' : 'Read-only: a lead of your team publishes a new version.'} New tasks use it, after
        each workflow's own standards; a running task keeps the version it started with.
      </p>
    </section>
  );
}
