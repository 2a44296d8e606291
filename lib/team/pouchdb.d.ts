// The part of PouchDB's API the team workspace uses (the package ships no types). Only the HTTP
// adapter is used: Dexie stays the local store, PouchDB speaks CouchDB's protocol to the server.
declare module 'pouchdb-browser' {
  interface PouchDoc {
    _id: string;
    _rev?: string;
    [field: string]: unknown;
  }
  interface PouchWriteResult {
    id: string;
    rev?: string;
    ok?: boolean;
    error?: string | boolean;
    status?: number;
    reason?: string;
    message?: string;
    name?: string;
  }
  interface PouchChange {
    id: string;
    seq: string | number;
    deleted?: boolean;
    doc?: PouchDoc;
  }
  interface PouchLiveChanges {
    on(event: 'change', listener: (change: PouchChange) => void): PouchLiveChanges;
    on(event: 'error', listener: (error: unknown) => void): PouchLiveChanges;
    cancel(): void;
  }
  interface PouchDatabase {
    bulkDocs(docs: PouchDoc[]): Promise<PouchWriteResult[]>;
    allDocs(options: { keys: string[]; include_docs?: boolean }): Promise<{ rows: Array<{ id?: string; key: string; error?: string; value?: { rev: string; deleted?: boolean }; doc?: PouchDoc | null }> }>;
    changes(options: { since: string | number; include_docs: boolean; limit: number; batch_size?: number }): Promise<{ results: PouchChange[]; last_seq: string | number }>;
    changes(options: { since: string | number; live: true; include_docs?: false; heartbeat?: number; timeout?: number }): PouchLiveChanges;
    get(id: string): Promise<PouchDoc>;
    info(): Promise<{ db_name: string; doc_count?: number; update_seq?: string | number }>;
    close(): Promise<void>;
  }
  interface PouchConstructor {
    new (name: string, options?: { adapter?: 'http'; skip_setup?: boolean; fetch?: (url: string | Request, init?: RequestInit) => Promise<Response> }): PouchDatabase;
  }
  const PouchDB: PouchConstructor;
  export default PouchDB;
  export type { PouchChange, PouchDatabase, PouchDoc, PouchWriteResult };
}
