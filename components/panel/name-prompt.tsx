import { useState, type FormEvent } from 'react';
import { Button, TextField } from '@/components/ui';

/** Asked once: the name is the actor of every event this person causes. */
export function NamePrompt({ onSave }: { onSave: (name: string) => Promise<void> }) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return;
    setBusy(true);
    try {
      await onSave(trimmed);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} className="flex flex-col gap-3 p-3" data-testid="name-prompt">
      <h2 className="text-sm font-semibold">Welcome to ConvOps</h2>
      <p className="text-xs text-zinc-700 dark:text-zinc-300" data-testid="convops-intro">
        ConvOps runs this chat as your team's workflow: it briefs the AI one step at a time, keeps each step's result, and waits for a person's approval at the checkpoints.
      </p>
      <p className="text-xs text-zinc-700 dark:text-zinc-300">
        What name should the audit trail show for your approvals and actions? It stays on this computer.
      </p>
      <TextField
        label="Your name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        maxLength={120}
        autoComplete="name"
      />
      <Button type="submit" variant="primary" disabled={!name.trim() || busy}>
        Continue
      </Button>
    </form>
  );
}
