// Read-only SQLite files through node-sqlite3-wasm: SQLite compiled to WASM with a VFS that reads the file
// with `fs.readSync` page by page, so neither the file nor the index is loaded whole, and nothing has to
// be rebuilt for the Node inside VS Code's Electron (docs/architecture.md, "Reading harvest.sqlite").
import { rmdirSync, statSync } from 'node:fs';
import type * as NodeSqlite from 'node-sqlite3-wasm';
import type { BindValues, Database, Statement } from 'node-sqlite3-wasm';

type Row = Record<string, unknown>;

// The VFS locks a file by creating the directory `<file>.lock` for the length of each read. Only readers
// like this one take that lock (Python's sqlite3 uses POSIX locks), so a lock older than any read can only
// be left over from a process that died mid-read, and is removed rather than blocking every later read.
const STALE_LOCK_MS = 10_000;
// Taking and dropping that lock costs two directory operations, milliseconds on some file systems, so reads
// share one read transaction until the file has been idle this long. Another reader waits out the hold.
const HOLD_LOCK_MS = 250;
const BUSY_WAIT_MS = 5;
const BUSY_RETRIES = (2 * HOLD_LOCK_MS) / BUSY_WAIT_MS;

type SqliteModule = typeof NodeSqlite;

// The module instantiates its WASM when first required: load it on the first open, not at server start.
let sqlite: Promise<SqliteModule> | undefined;

async function loadSqlite(): Promise<SqliteModule> {
  // A CommonJS module whose exports are assigned at run time: under Node's ESM loader they are on `default`.
  const loaded: SqliteModule & { default?: SqliteModule } = await import('node-sqlite3-wasm');
  return loaded.default ?? loaded;
}

export class SqliteFile {
  private readonly statements = new Map<string, Statement>();
  private releaseTimer: NodeJS.Timeout | undefined;

  private constructor(
    readonly path: string,
    private readonly database: Database,
  ) {}

  /** Opens `path` read-only; throws with the path in the message when it is missing or not a database. */
  static async open(path: string): Promise<SqliteFile> {
    sqlite ??= loadSqlite();
    const { Database } = await sqlite;
    let database: Database;
    try {
      database = new Database(path, { readOnly: true, fileMustExist: true });
    } catch (error) {
      throw new Error(`${path} could not be opened as an SQLite database: ${(error as Error).message}`);
    }
    const file = new SqliteFile(path, database);
    try {
      await file.all('SELECT 1 FROM sqlite_master LIMIT 1');
    } catch (error) {
      file.close();
      throw new Error(`${path} is not a readable SQLite database: ${(error as Error).message}`);
    }
    return file;
  }

  /**
   * Every row of `sql` (prepared once per text), read to the end: a statement left mid-way could not be
   * run again, and would keep the read transaction from ending.
   */
  async all<T extends Row = Row>(sql: string, values?: BindValues): Promise<T[]> {
    // Preparing reads the schema, so it takes the lock too.
    return this.whileLocked(() => {
      if (!this.database.inTransaction) this.database.exec('BEGIN');
      this.holdLock();
      let statement = this.statements.get(sql);
      if (statement === undefined) {
        statement = this.database.prepare(sql);
        this.statements.set(sql, statement);
      }
      return statement.all(values) as T[];
    });
  }

  close(): void {
    clearTimeout(this.releaseTimer);
    this.releaseLock();
    for (const statement of this.statements.values()) statement.finalize();
    this.statements.clear();
    if (this.database.isOpen) this.database.close();
  }

  private holdLock(): void {
    if (this.releaseTimer !== undefined) {
      this.releaseTimer.refresh();
      return;
    }
    this.releaseTimer = setTimeout(() => this.releaseLock(), HOLD_LOCK_MS);
    // A held lock must not keep the process alive after the client has gone.
    this.releaseTimer.unref();
  }

  /** Ends the read transaction, which drops the lock; the next read sees any change to the file. */
  private releaseLock(): void {
    this.releaseTimer = undefined;
    if (this.database.isOpen && this.database.inTransaction) this.database.exec('COMMIT');
  }

  private async whileLocked<T>(read: () => T): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return read();
      } catch (error) {
        if (!isBusy(error) || attempt >= BUSY_RETRIES) throw error;
        if (!this.removeStaleLock()) await new Promise((resolve) => setTimeout(resolve, BUSY_WAIT_MS));
      }
    }
  }

  private removeStaleLock(): boolean {
    const lock = `${this.path}.lock`;
    try {
      if (Date.now() - statSync(lock).mtimeMs < STALE_LOCK_MS) return false;
      rmdirSync(lock);
      return true;
    } catch {
      return false;
    }
  }
}

function isBusy(error: unknown): boolean {
  return error instanceof Error && /database is locked/i.test(error.message);
}
