import type { ConvOpsDatabase } from '@/lib/db/database';
import { connectWorkspace } from '@/lib/team/connect';
import { sessionFetch } from '@/lib/team/session';
import type { TeamContext } from '@/lib/team/sync';
import { TeamDatabase } from '@/lib/team/team-db';
import type { TestTeamServer } from './team-server';

/**
 * One person's browser connected to the test workspace: their records' database, a team database of
 * its own (`teamDbName`), and a session of their own (the password goes to `/_session` once).
 */
export function connectPerson(team: TestTeamServer, user: string, name: string, db: ConvOpsDatabase, teamDbName: string): Promise<TeamContext> {
  return connectWorkspace({ url: team.url, user, password: team.user(user).password, name }, { teamDb: new TeamDatabase(teamDbName), db, fetcher: sessionFetch() });
}

/** A workflow whose review gate needs four eyes (an approver other than the operator); a rejection goes back to the draft. */
export const FOUR_EYES_SOP_CHECK = {
  id: 'sop-check',
  name: 'SOP check',
  steps: [
    { id: 'draft', title: 'Draft SOP', instructions: 'Draft it.' },
    { id: 'review', title: 'Review SOP', instructions: 'Review.', gate: { type: 'approval', ask: 'Correct?', onReject: 'draft', decidedBy: 'approver-not-operator' } },
    { id: 'publish', title: 'Publish', instructions: 'Publish.' },
  ],
};
