import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import { getDb } from '@/lib/db/database';
import { updateSettings } from '@/lib/db/settings-repo';
import { queueStandardsPublish } from '@/lib/team/sync';
import { getTeamDb } from '@/lib/team/team-db';
import { teamContextOf } from './use-team';
import { TeamStandardsSettings } from './team-standards-settings';
import {
  addPublicKeyFromFile,
  exportOwnPublicKey,
  forgetKnownKey,
  groupedFingerprint,
  listPublicKeys,
  markKeyKnown,
  ownSigningKey,
  shortKey,
} from '@/lib/db/signing';
import type { PublicKeyRow } from '@/lib/db/records';
import { Badge, Button } from '@/components/ui';
import { downloadText, slugForFile } from './download';
import { SITES, type Settings } from '@/lib/workflow/records';
import { Alert, Card, TextField } from '@/components/ui';
import { CheckboxField, PageHeader, SelectField } from './form';
import { SITE_LABELS } from '@/lib/workflow/labels';
import { PANEL_WIDTH } from '@/lib/workflow/panel-width';
import { recordedPerson } from '@/lib/workflow/actors';
import { useActor, useSettings } from './use-actor';

type Status = { tone: 'success' | 'error'; text: string } | undefined;

export function SettingsPage() {
  const settings = useSettings();
  const [status, setStatus] = useState<Status>();
  if (!settings) return <p>Loading…</p>;
  // Keyed on the typed-in fields, so a change from elsewhere (a restore, another tab) resets them.
  return <SettingsForm key={`${settings.displayName}|${settings.panelWidth}`} settings={settings} status={status} setStatus={setStatus} />;
}

function SettingsForm({ settings: stored, status, setStatus }: { settings: Settings; status: Status; setStatus: (status: Status) => void }) {
  const actor = useActor();
  // Controls show a change at once; the live query delivers a new settings object once it is stored,
  // and from then on the stored value is what shows (so a restore or another tab is never masked).
  const [pending, setPending] = useState<{ base: Settings; patch: Partial<Settings> }>();
  const settings: Settings =
    pending && pending.base === stored ? { ...stored, ...pending.patch, sites: { ...stored.sites, ...pending.patch.sites } } : stored;
  const [name, setName] = useState(settings.displayName);
  const [width, setWidth] = useState(String(settings.panelWidth));

  const save = async (patch: Partial<Settings>) => {
    setPending((current) => ({ base: stored, patch: current?.base === stored ? { ...current.patch, ...patch } : patch }));
    try {
      // The actor is who they are now; a name change is recorded under the new name.
      await updateSettings(patch, patch.displayName?.trim() ? recordedPerson(patch.displayName) : actor);
      setStatus({ tone: 'success', text: 'Saved.' });
    } catch (error) {
      setPending(undefined);
      setStatus({ tone: 'error', text: `Not saved: ${error instanceof Error ? error.message : String(error)}` });
    }
  };

  // A lead connected to the team workspace publishes the saved standards as the team's next version.
  const connection = useLiveQuery(() => getTeamDb().connection.get('self'), []);
  const leadConnection = connection && connection.state !== 'refused' && connection.roles.includes('lead') ? connection : undefined;
  const publishStandards = async (lead: NonNullable<typeof leadConnection>) => {
    try {
      const version = await queueStandardsPublish(teamContextOf(lead));
      setStatus({ tone: 'success', text: `Published to the team as version ${version}, signed with your key; members' new tasks use it once the workspace has it.` });
    } catch (error) {
      setStatus({ tone: 'error', text: `Not published: ${error instanceof Error ? error.message : String(error)}` });
    }
  };

  const widthNumber = Number(width);
  const widthValid = Number.isInteger(widthNumber) && widthNumber >= PANEL_WIDTH.min && widthNumber <= PANEL_WIDTH.max;

  return (
    <div data-testid="settings-page">
      <PageHeader title="Settings" />
      {status ? (
        <Alert tone={status.tone} className="mb-3" data-testid="settings-status">
          {status.text}
        </Alert>
      ) : null}
      <div className="grid max-w-3xl gap-4">
        <Card>
          <h2 className="mb-2 text-base font-semibold">You</h2>
          <form
            className="flex items-end gap-2"
            onSubmit={(event) => {
              event.preventDefault();
              void save({ displayName: name });
            }}
          >
            <TextField
              label="Display name"
              hint="Recorded as who approved, rejected or changed things."
              value={name}
              maxLength={120}
              onChange={(e) => setName(e.target.value)}
              onBlur={() => name !== stored.displayName && void save({ displayName: name })}
              className="flex-1"
              data-testid="setting-display-name"
            />
          </form>
        </Card>
        <Card>
          <h2 className="mb-2 text-base font-semibold">Conversations</h2>
          <div className="flex flex-col gap-2">
            <CheckboxField
              label="In drive mode, send each next step's briefing by itself (otherwise it waits in the prompt box for you to press Send)"
              checked={settings.autoSend}
              onChange={(e) => void save({ autoSend: e.target.checked })}
              data-testid="setting-auto-send"
            />
            <CheckboxField
              label="Keep the AI's replies as notes automatically"
              checked={settings.autoCapture}
              onChange={(e) => void save({ autoCapture: e.target.checked })}
              data-testid="setting-auto-capture"
            />
          </div>
        </Card>
        <Card>
          <h2 className="mb-2 text-base font-semibold">Panel</h2>
          <div className="grid gap-3 sm:grid-cols-2">
            <SelectField
              label="Side of the page"
              value={settings.panelSide}
              onChange={(e) => void save({ panelSide: e.target.value as Settings['panelSide'] })}
              data-testid="setting-panel-side"
            >
              <option value="right">Right</option>
              <option value="left">Left</option>
            </SelectField>
            <div>
              <TextField
                label={`Width in pixels (${PANEL_WIDTH.min}–${PANEL_WIDTH.max})`}
                type="number"
                min={PANEL_WIDTH.min}
                max={PANEL_WIDTH.max}
                step={10}
                value={width}
                aria-invalid={!widthValid || undefined}
                onChange={(e) => setWidth(e.target.value)}
                onBlur={() => widthValid && widthNumber !== stored.panelWidth && void save({ panelWidth: widthNumber })}
                data-testid="setting-panel-width"
              />
              {widthValid ? null : <p className="text-xs text-red-700 dark:text-red-300">Enter a whole number from {PANEL_WIDTH.min} to {PANEL_WIDTH.max}.</p>}
            </div>
          </div>
        </Card>
        <TeamStandardsSettings
          lines={stored.teamStandards}
          version={stored.teamStandardsVersion}
          onSave={(lines) => save({ teamStandards: lines })}
          published={stored.publishedTeamStandards}
          onPublish={leadConnection ? () => publishStandards(leadConnection) : undefined}
        />
        <Card>
          <h2 className="mb-2 text-base font-semibold">Sites</h2>
          <p className="mb-2 text-sm">Where the panel appears.</p>
          <div className="flex flex-col gap-2">
            {SITES.map((site) => (
              <CheckboxField
                key={site}
                label={`Show ConvOps on ${SITE_LABELS[site]}`}
                checked={settings.sites[site]}
                onChange={(e) => void save({ sites: { ...settings.sites, [site]: e.target.checked } })}
                data-testid={`setting-site-${site}`}
              />
            ))}
          </div>
        </Card>
        <SigningKeys name={settings.displayName} />
      </div>
    </div>
  );
}

/**
 * The person's signing key (made on first use, private half never leaves this browser) and the list
 * of colleagues' keys. A key becomes "known" only when the person marks it, after the colleague
 * confirmed its fingerprint to them: a key that merely arrived in a file proves nothing about who holds it.
 */
function SigningKeys({ name }: { name: string }) {
  const db = getDb();
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string }>();
  useEffect(() => {
    // Makes the key if this browser has none yet, so it can be shown and exported before the first decision.
    void ownSigningKey(db).catch((error: unknown) => setMessage({ tone: 'error', text: `No signing key: ${error instanceof Error ? error.message : String(error)}` }));
  }, [db]);
  const keys = useLiveQuery(() => listPublicKeys(db), [db]);
  const own = keys?.find((row) => row.own);
  const others = keys?.filter((row) => !row.own) ?? [];

  const exportKey = async () => {
    const file = await exportOwnPublicKey(db, name);
    downloadText(`${slugForFile(name || 'my')}.convops-key.json`, JSON.stringify(file, null, 2));
  };
  const importKey = async (file: File) => {
    try {
      if (file.size > 64 * 1024) throw new Error('This file is too large to be a public key file.');
      const row = await addPublicKeyFromFile(db, JSON.parse(await file.text()));
      setMessage({ tone: 'success', text: `Added key ${shortKey(row.fingerprint)}. Mark it as known once its owner confirmed the fingerprint to you.` });
    } catch (error) {
      setMessage({ tone: 'error', text: `Key not added: ${error instanceof Error ? error.message.slice(0, 200) : 'unreadable file'}` });
    }
  };

  return (
    <Card data-testid="signing-keys">
      <h2 className="mb-2 text-base font-semibold">Signing key</h2>
      <p className="mb-2 text-sm">
        Your approvals, rejections and other actions are signed with a key that was made in this browser and never leaves it. Colleagues and
        managers recognise your signatures by its fingerprint.
      </p>
      {message ? (
        <Alert tone={message.tone} className="mb-2" data-testid="keys-status">
          {message.text}
        </Alert>
      ) : null}
      <p className="mb-2 text-sm">
        Your key: <code className="break-all" data-testid="own-key-fingerprint" data-fingerprint={own?.fingerprint ?? ''}>{own ? groupedFingerprint(own.fingerprint) : 'making it…'}</code>
      </p>
      <div className="mb-3 flex flex-wrap gap-2">
        <Button size="sm" disabled={!own} onClick={() => void exportKey()} data-testid="export-public-key">
          Export my public key
        </Button>
        <label className="inline-flex cursor-pointer items-center rounded-md border border-zinc-300 px-3 py-1 text-sm font-medium focus-within:outline-2 focus-within:outline-offset-2 focus-within:outline-blue-600 hover:bg-zinc-100 dark:border-zinc-600 dark:hover:bg-zinc-800">
          Add a colleague's key file…
          <input
            type="file"
            accept=".json,application/json"
            className="sr-only"
            data-testid="import-public-key"
            onChange={(event) => {
              const file = event.target.files?.[0];
              if (file) void importKey(file);
              event.target.value = '';
            }}
          />
        </label>
      </div>
      <h3 className="mb-1 text-sm font-semibold">Colleagues' keys</h3>
      {others.length === 0 ? <p className="text-sm text-zinc-600 dark:text-zinc-400">None yet: keys arrive with the task files and backups you import, or as key files.</p> : null}
      <ul className="flex flex-col gap-2">
        {others.map((row) => (
          <ColleagueKey key={row.fingerprint} row={row} onError={(text) => setMessage({ tone: 'error', text })} />
        ))}
      </ul>
    </Card>
  );
}

function ColleagueKey({ row, onError }: { row: PublicKeyRow; onError: (text: string) => void }) {
  const db = getDb();
  const [name, setName] = useState(row.knownAs ?? row.names.at(-1) ?? '');
  return (
    <li className="rounded border border-zinc-200 p-2 text-sm dark:border-zinc-700" data-testid="colleague-key" data-fingerprint={row.fingerprint} data-known={String(row.known)}>
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={row.known ? 'success' : 'warning'}>{row.known ? `known: ${row.knownAs ?? ''}` : 'not marked as known'}</Badge>
        <code className="break-all">{groupedFingerprint(row.fingerprint)}</code>
      </div>
      {row.names.length > 0 ? <p className="text-xs text-zinc-600 dark:text-zinc-400">Signed as: {row.names.join(', ')}</p> : null}
      {row.known ? (
        <Button size="sm" className="mt-1" onClick={() => void forgetKnownKey(db, row.fingerprint)} data-testid="forget-key">
          No longer known
        </Button>
      ) : (
        <form
          className="mt-1 flex flex-wrap items-end gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            void markKeyKnown(db, row.fingerprint, name).catch((error: unknown) => onError(error instanceof Error ? error.message : String(error)));
          }}
        >
          <TextField label="Whose key (after they confirmed the fingerprint)" value={name} maxLength={120} onChange={(e) => setName(e.target.value)} data-testid="known-key-name" />
          <Button size="sm" type="submit" data-testid="mark-key-known">
            Mark as known
          </Button>
        </form>
      )}
    </li>
  );
}
