import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import { getDb } from '@/lib/db/database';
import { ownSigningKey } from '@/lib/db/signing';
import { sessionFetch } from '@/lib/team/session';
import { listDecidableGates, type DecidableGate } from '@/lib/team/shared-tasks';
import { remoteDatabase, type TeamContext } from '@/lib/team/sync';
import { getTeamDb, type ConnectionRow } from '@/lib/team/team-db';

/** The options page's team context for one connection (what queueing a decision or a publish needs). */
export function teamContextOf(connection: ConnectionRow): TeamContext {
  return { teamDb: getTeamDb(), db: getDb(), remote: remoteDatabase(connection.url, sessionFetch()), connection };
}

/** This browser's signing key's fingerprint (undefined while it loads): who decides, for the engine's rule. */
export function useOwnFingerprint(): string | undefined {
  const [fingerprint, setFingerprint] = useState<string>();
  useEffect(() => {
    let live = true;
    void ownSigningKey(getDb()).then((key) => live && setFingerprint(key.fingerprint));
    return () => {
      live = false;
    };
  }, []);
  return fingerprint;
}

/** Colleagues' gates this person may decide and has not yet, live as sync pulls. */
export function useDecidableGates(): DecidableGate[] | undefined {
  const fingerprint = useOwnFingerprint();
  return useLiveQuery(() => (fingerprint ? listDecidableGates(getTeamDb(), fingerprint) : undefined), [fingerprint]);
}
