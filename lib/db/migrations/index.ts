import type { Transaction } from 'dexie';
import { migration0001 } from './0001-initial';
import { migration0002 } from './0002-capture-keys-and-heads';
import { migration0003 } from './0003-note-hashes-and-keys';
import { migration0004 } from './0004-event-blocks';
import { migration0005 } from './0005-event-tally-and-block-bytes';
import { migration0006 } from './0006-note-blocks';

export interface Migration {
  version: number;
  stores: Readonly<Record<string, string>>;
  upgrade?: (tx: Transaction) => Promise<void>;
}

/** Every schema version in order. Append a file for each change; never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [migration0001, migration0002, migration0003, migration0004, migration0005, migration0006];

export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

export { migration0001, migration0002, migration0003, migration0004, migration0005, migration0006 };
