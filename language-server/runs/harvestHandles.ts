// Open harvest databases, reused across hovers: opening one costs a WASM file handle, a schema read and a
// fresh page cache, while a card on an open one is a few lookups. Few stay open, and none for long idle.
import { statSync } from 'node:fs';
import { HarvestDatabase } from './harvestDatabase';

const MAX_OPEN = 4;
const IDLE_CLOSE_MS = 60_000;

interface Entry {
  database: HarvestDatabase;
  /** The file's identity when opened: a harvest written again (a new inode, a new size) is reopened. */
  identity: string;
  idleTimer: NodeJS.Timeout;
}

export class HarvestHandles {
  // Map order is recency order: the first entry is the least recently used.
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxOpen = MAX_OPEN,
    private readonly idleCloseMs = IDLE_CLOSE_MS,
  ) {}

  async get(path: string): Promise<HarvestDatabase> {
    const identity = fileIdentity(path);
    const cached = this.entries.get(path);
    if (cached !== undefined && cached.identity === identity) {
      this.entries.delete(path);
      this.remember(path, cached);
      return cached.database;
    }
    if (cached !== undefined) this.close(path);
    const database = await HarvestDatabase.open(path);
    this.remember(path, { database, identity, idleTimer: this.idleTimer(path) });
    while (this.entries.size > this.maxOpen) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.close(oldest);
    }
    return database;
  }

  get openCount(): number {
    return this.entries.size;
  }

  dispose(): void {
    for (const path of [...this.entries.keys()]) this.close(path);
  }

  private remember(path: string, entry: Entry): void {
    entry.idleTimer.refresh();
    this.entries.set(path, entry);
  }

  private idleTimer(path: string): NodeJS.Timeout {
    const timer = setTimeout(() => this.close(path), this.idleCloseMs);
    // An idle handle must not keep the process alive after the client has gone.
    timer.unref();
    return timer;
  }

  private close(path: string): void {
    const entry = this.entries.get(path);
    if (entry === undefined) return;
    this.entries.delete(path);
    clearTimeout(entry.idleTimer);
    entry.database.close();
  }
}

function fileIdentity(path: string): string {
  const stats = statSync(path);
  return `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
}
