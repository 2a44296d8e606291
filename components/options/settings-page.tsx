import { useState } from 'react';
import { updateSettings } from '../../lib/db/settings-repo';
import { SITES, type Settings } from '../../lib/workflow/records';
import { Alert, Card, TextField } from '../ui';
import { CheckboxField, PageHeader, SelectField } from './form';
import { SITE_LABELS } from './tasks-page';
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
      await updateSettings(patch, patch.displayName?.trim() ? { kind: 'human', name: patch.displayName.trim() } : actor);
      setStatus({ tone: 'success', text: 'Saved.' });
    } catch (error) {
      setPending(undefined);
      setStatus({ tone: 'error', text: `Not saved: ${error instanceof Error ? error.message : String(error)}` });
    }
  };

  const widthNumber = Number(width);
  const widthValid = Number.isInteger(widthNumber) && widthNumber >= 280 && widthNumber <= 720;

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
              label="Send the briefing automatically after inserting it (otherwise you press send)"
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
                label="Width in pixels (280–720)"
                type="number"
                min={280}
                max={720}
                step={10}
                value={width}
                aria-invalid={!widthValid || undefined}
                onChange={(e) => setWidth(e.target.value)}
                onBlur={() => widthValid && widthNumber !== stored.panelWidth && void save({ panelWidth: widthNumber })}
                data-testid="setting-panel-width"
              />
              {widthValid ? null : <p className="text-xs text-red-700 dark:text-red-300">Enter a whole number from 280 to 720.</p>}
            </div>
          </div>
        </Card>
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
      </div>
    </div>
  );
}
