import { useLiveQuery } from 'dexie-react-hooks';
import { useState, type FormEvent } from 'react';
import { browser } from 'wxt/browser';
import { getDb } from '@/lib/db/database';
import { listWorkflows } from '@/lib/db/workflows-repo';
import { connectWorkspace } from '@/lib/team/connect';
import { originPattern, parseWorkspaceUrl, sessionFetch } from '@/lib/team/session';
import { decideTeamGate, type DecidableGate } from '@/lib/team/shared-tasks';
import { queueWorkflowPublish } from '@/lib/team/sync';
import { getTeamDb, type ConnectionRow } from '@/lib/team/team-db';
import { Alert, Badge, Button, Card, TextArea, TextField } from '@/components/ui';
import { CheckboxField, PageHeader, SelectField } from './form';
import { hrefFor } from './router';
import { useSettings } from './use-actor';
import { teamContextOf, useDecidableGates, useOwnFingerprint } from './use-team';

/**
 * Options → Team: connect this browser to the team's workspace (a CouchDB database), see whether it
 * syncs, and what a person's role lets them do there: a lead publishes workflows, an approver decides
 * colleagues' gates. The password is used once to open a session and is not kept.
 */

type Status = { tone: 'success' | 'error' | 'info'; text: string } | undefined;

const STATE_WORDS: Record<ConnectionRow['state'], string> = {
  connected: 'Connected',
  offline: 'Offline',
  refused: 'Not connected',
};

export function TeamPage() {
  const teamDb = getTeamDb();
  const connection = useLiveQuery(() => teamDb.connection.get('self'), [], null);
  const quarantine = useLiveQuery(() => teamDb.quarantine.orderBy('at').reverse().limit(50).toArray(), [], []);
  const refused = useLiveQuery(() => teamDb.outbox.filter((row) => Boolean(row.refused)).toArray(), [], []);
  const [status, setStatus] = useState<Status>();
  if (connection === null) return <p>Loading…</p>;
  return (
    <div className="flex flex-col gap-4">
      <PageHeader title="Team workspace" />
      <p className="max-w-3xl text-sm text-zinc-700 dark:text-zinc-300">
        A team workspace is a database your team runs (Apache CouchDB). Connected, your lead's workflows arrive here, tasks you
        share are seen by your colleagues, and an approver can decide your gates from their own browser. Without one, nothing
        leaves this computer.
      </p>
      {status ? <Alert tone={status.tone}>{status.text}</Alert> : null}
      <StatusCard connection={connection} />
      {connection && connection.state !== 'refused' ? (
        <>
          <ConnectedCard connection={connection} setStatus={setStatus} />
          {connection.roles.includes('approver') ? <WaitingGates connection={connection} setStatus={setStatus} /> : null}
          {connection.roles.includes('lead') ? <Publish connection={connection} setStatus={setStatus} /> : null}
        </>
      ) : (
        <ConnectForm previous={connection} setStatus={setStatus} />
      )}
      {refused.length > 0 ? (
        <Card>
          <h2 className="text-base font-semibold">Not accepted by the workspace</h2>
          <ul className="mt-2 list-disc pl-5 text-sm">
            {refused.map((row) => (
              <li key={row.docId}>
                {row.docId}: {row.refused}
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
      {quarantine.length > 0 ? (
        <Card data-testid="team-quarantine">
          <h2 className="text-base font-semibold">Held back (did not add up)</h2>
          <p className="text-sm text-zinc-700 dark:text-zinc-300">These came from the workspace but failed a check, so nothing of them was used.</p>
          <ul className="mt-2 list-disc pl-5 text-sm">
            {quarantine.map((row) => (
              <li key={`${row.docId}|${row.rev}`}>
                <time dateTime={row.at}>{new Date(row.at).toLocaleString()}</time>: {row.reason}
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </div>
  );
}

function StatusCard({ connection }: { connection: ConnectionRow | undefined }) {
  if (!connection) {
    return (
      <p data-testid="team-status" data-state="none" className="text-sm">
        Not connected to a team workspace.
      </p>
    );
  }
  const since = new Date(connection.stateSince).toLocaleString();
  return (
    <Card data-testid="team-status" data-state={connection.state} className="flex flex-col gap-1">
      <div className="flex items-center gap-2">
        <Badge tone={connection.state === 'connected' ? 'success' : 'warning'}>{STATE_WORDS[connection.state]}</Badge>
        <span className="text-sm">
          {connection.state === 'offline' ? `Offline since ${since}` : connection.state === 'connected' ? `Since ${since}` : ''}
        </span>
      </div>
      <p className="text-sm">
        {connection.url} as <strong>{connection.user}</strong> ({connection.roles.join(', ') || 'no team role'})
      </p>
      {connection.reason ? <p className="text-sm text-zinc-700 dark:text-zinc-300">{connection.reason}</p> : null}
    </Card>
  );
}

function ConnectForm({ previous, setStatus }: { previous: ConnectionRow | undefined; setStatus: (status: Status) => void }) {
  const settings = useSettings();
  const [url, setUrl] = useState(previous?.url ?? '');
  const [user, setUser] = useState(previous?.user ?? '');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const address = parseWorkspaceUrl(url);
    if (!address.ok) return setStatus({ tone: 'error', text: address.reason });
    setBusy(true);
    try {
      // Asked now, while the click is still a click: only this origin, only when the person connects.
      const granted = await browser.permissions.request({ origins: [originPattern(address.origin)] });
      if (!granted) {
        setStatus({ tone: 'error', text: `ConvOps needs your permission to reach ${address.origin}; nothing was sent.` });
        return;
      }
      await connectWorkspace({ url, user, password, name: settings?.displayName ?? '' }, { teamDb: getTeamDb(), db: getDb(), fetcher: sessionFetch() });
      setStatus({ tone: 'success', text: 'Connected. Your password was used to sign in and is not kept.' });
    } catch (error) {
      setStatus({ tone: 'error', text: error instanceof Error ? error.message : String(error) });
    } finally {
      setPassword('');
      setBusy(false);
    }
  };
  return (
    <Card>
      <form data-testid="team-connect" onSubmit={(e) => void submit(e)} className="flex max-w-xl flex-col gap-3">
        <h2 className="text-base font-semibold">Connect to your team's workspace</h2>
        <TextField label="Workspace address" placeholder="https://couch.example.com/convops-acme" value={url} onChange={(e) => setUrl(e.target.value)} data-testid="team-url" required />
        <TextField label="User name" autoComplete="username" value={user} onChange={(e) => setUser(e.target.value)} data-testid="team-user" required />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          hint="Used once to sign in; ConvOps does not keep it."
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          data-testid="team-password"
          required
        />
        {!settings?.displayName.trim() ? <Alert tone="info">Enter your name in Settings first: colleagues see it beside your decisions.</Alert> : null}
        <div>
          <Button type="submit" variant="primary" disabled={busy} data-testid="team-connect-submit">
            {busy ? 'Connecting…' : 'Connect'}
          </Button>
        </div>
      </form>
    </Card>
  );
}

function ConnectedCard({ connection, setStatus }: { connection: ConnectionRow; setStatus: (status: Status) => void }) {
  const teamDb = getTeamDb();
  const waiting = useLiveQuery(() => teamDb.outbox.count(), [], 0);
  return (
    <Card className="flex flex-col gap-3">
      <CheckboxField
        label="Share my new tasks with the team"
        checked={connection.shareByDefault}
        onChange={(e) => void teamDb.connection.update('self', { shareByDefault: e.target.checked })}
        data-testid="team-share-default"
      />
      <p className="-mt-2 text-xs text-zinc-700 dark:text-zinc-300">
        You still choose for each task when you start it (“Share this task with the team” in the panel), and can share one later from its
        task page. A task you do not share never leaves this computer.
      </p>
      <p className="text-sm">{waiting === 0 ? 'Everything is sent.' : `${waiting} change(s) waiting to be sent.`}</p>
      <div>
        <Button
          onClick={() =>
            void teamDb.connection.delete('self').then(() => setStatus({ tone: 'info', text: 'Disconnected. Changes not sent yet stay here.' }))
          }
          data-testid="team-disconnect"
        >
          Disconnect
        </Button>
      </div>
    </Card>
  );
}

function WaitingGates({ connection, setStatus }: { connection: ConnectionRow; setStatus: (status: Status) => void }) {
  const gates = useDecidableGates() ?? [];
  const fingerprint = useOwnFingerprint();
  const [comments, setComments] = useState<Record<string, string>>({});
  const decide = async (gate: DecidableGate, decision: 'approve' | 'reject') => {
    try {
      if (!fingerprint) throw new Error('Your signing key is still loading; try again in a moment.');
      await decideTeamGate(teamContextOf(connection), gate, decision, comments[gate.gateRequestHash] ?? '', fingerprint);
      setStatus({ tone: 'success', text: `${decision === 'approve' ? 'Approved' : 'Rejected'} "${gate.title}"; signed and sent to ${gate.owner}.` });
    } catch (error) {
      setStatus({ tone: 'error', text: error instanceof Error ? error.message : String(error) });
    }
  };
  return (
    <Card>
      <h2 className="text-base font-semibold">Waiting for your decision</h2>
      {gates.length === 0 ? <p className="text-sm">No colleague's task waits at a gate you may decide.</p> : null}
      <ul className="mt-2 flex flex-col gap-3">
        {gates.map((gate) => (
          <li key={gate.gateRequestHash} data-testid="team-waiting-gate" data-task-id={gate.taskId} className="flex flex-col gap-2">
            <p className="text-sm">
              <a href={hrefFor({ name: 'team-task', owner: gate.owner, id: gate.taskId })} className="font-semibold text-blue-700 underline dark:text-blue-300">
                {gate.title}
              </a>{' '}
              by {gate.ownerName}, step “{gate.stepTitle}”, since {new Date(gate.requestedAt).toLocaleString()}
            </p>
            <TextArea
              label="Comment"
              rows={2}
              value={comments[gate.gateRequestHash] ?? ''}
              onChange={(e) => setComments({ ...comments, [gate.gateRequestHash]: e.target.value })}
              data-testid="gate-comment"
            />
            <div className="flex gap-2">
              <Button variant="primary" onClick={() => void decide(gate, 'approve')} data-testid="confirm-approve">
                Approve
              </Button>
              <Button onClick={() => void decide(gate, 'reject')} data-testid="confirm-reject">
                Reject
              </Button>
            </div>
          </li>
        ))}
      </ul>
    </Card>
  );
}

function Publish({ connection, setStatus }: { connection: ConnectionRow; setStatus: (status: Status) => void }) {
  const heads = useLiveQuery(() => listWorkflows(), [], []);
  const [id, setId] = useState('');
  const chosen = id || heads[0]?.id || '';
  const publish = async () => {
    try {
      await queueWorkflowPublish(teamContextOf(connection), chosen);
      setStatus({ tone: 'success', text: `Published "${chosen}" to the team; members get it with their next sync.` });
    } catch (error) {
      setStatus({ tone: 'error', text: error instanceof Error ? error.message : String(error) });
    }
  };
  return (
    <Card className="flex max-w-xl flex-col gap-3">
      <h2 className="text-base font-semibold">Publish a workflow to the team</h2>
      <SelectField label="Workflow" value={chosen} onChange={(e) => setId(e.target.value)} data-testid="team-publish-workflow">
        {heads.map((head) => (
          <option key={head.id} value={head.id}>
            {head.name} (v{head.latestVersion})
          </option>
        ))}
      </SelectField>
      <div>
        <Button variant="primary" disabled={!chosen} onClick={() => void publish()} data-testid="team-publish">
          Publish (signed with your key)
        </Button>
      </div>
    </Card>
  );
}
