/**
 * The ConvOps database (Dexie over IndexedDB).
 *
 * It lives only in the extension origin (background, panel, options), never in the content script:
 * IndexedDB opened from a content script belongs to the host page's origin, where chatgpt.com's own
 * scripts could read or clear it and where claude.ai would see a different, separate database. In the
 * extension origin there is one database that the page cannot reach, shared by every surface.
 *
 * Only the repositories in this folder write it, each mutation together with its audit events in one
 * transaction. UI code reads through the repositories or `liveQuery`.
 */
import Dexie, { type EntityTable, type Table } from 'dexie';
import type { AuditEvent, Settings } from '@/lib/workflow/records';
import { EVENT_TALLY, EVENT_TALLY_KEY, eventBlocksMiddleware } from './event-blocks';
import { MIGRATIONS } from './migrations';
import { noteBlocksMiddleware } from './note-blocks';
import type { EventBlockRow, EventTallyRow, MetaRow, NoteBlockRow, NoteRow, PublicKeyRow, SigningKeyRow, TaskRow, WorkflowHead, WorkflowRecord } from './records';

export const DEFAULT_DATABASE_NAME = 'convops';

export class ConvOpsDatabase extends Dexie {
  workflows!: Table<WorkflowRecord, [string, number]>;
  workflowHeads!: EntityTable<WorkflowHead, 'id'>;
  tasks!: EntityTable<TaskRow, 'id'>;
  notes!: EntityTable<NoteRow, 'id'>;
  events!: Table<AuditEvent, [string, number]>;
  /** `events` in runs of one chain's consecutive events, as backup text; kept by `eventBlocksMiddleware`, never written directly. */
  eventBlocks!: Table<EventBlockRow, [string, number]>;
  /** How many events the blocks hold; kept by `eventBlocksMiddleware` beside them, never written directly. */
  eventTally!: EntityTable<EventTallyRow, 'key'>;
  /** Each task's notes as backup text, made by the background (lib/db/note-blocks.ts); deleted by `noteBlocksMiddleware` with every write to its notes. */
  noteBlocks!: EntityTable<NoteBlockRow, 'taskId'>;
  settings!: Table<{ key: 'settings'; value: Settings }, 'settings'>;
  meta!: EntityTable<MetaRow, 'key'>;
  /** This browser's own signing key (non-extractable private key). Never exported or backed up. */
  signingKeys!: EntityTable<SigningKeyRow, 'id'>;
  /** Public keys: the own one and colleagues' (seen in files, or marked as known). */
  publicKeys!: EntityTable<PublicKeyRow, 'fingerprint'>;

  constructor(name: string = DEFAULT_DATABASE_NAME) {
    super(name);
    for (const migration of MIGRATIONS) {
      const version = this.version(migration.version).stores({ ...migration.stores });
      if (migration.upgrade) version.upgrade(migration.upgrade);
    }
    // Every write to `events` writes its blocks and their tally in the same transaction (lib/db/event-blocks.ts).
    this.use(eventBlocksMiddleware);
    // Every write to `notes` deletes the blocks of the tasks it touched, in the same transaction.
    this.use(noteBlocksMiddleware);
    // A new database is made at the latest version without running the migrations: its tally starts here.
    this.on('populate', (tx) => tx.table(EVENT_TALLY).add({ key: EVENT_TALLY_KEY, count: 0 } satisfies EventTallyRow));
  }
}

export function openDatabase(name: string = DEFAULT_DATABASE_NAME): ConvOpsDatabase {
  return new ConvOpsDatabase(name);
}

let current: ConvOpsDatabase | undefined;

/** The database every repository uses; opened on first use (Dexie opens lazily on the first query). */
export function getDb(): ConvOpsDatabase {
  current ??= openDatabase();
  return current;
}

/** Points the repositories at another database (tests give each test its own). Returns it. */
export function setDb(db: ConvOpsDatabase): ConvOpsDatabase {
  current = db;
  return db;
}
