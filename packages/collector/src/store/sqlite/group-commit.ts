/**
 * A Kysely driver for better-sqlite3 that commits transactions in groups. SQLite has one writer, so the collector
 * already runs transactions one after another on one connection; what each commit costs is writing its pages to the
 * WAL (and, with the FTS5 search index, a new index segment each time). Here a transaction is a SAVEPOINT inside an
 * outer transaction that stays open for the rest of the current turn of the event loop: the transactions of all the
 * requests handled in that turn are committed together, once, and only then does each of them return. So nothing is
 * answered before it is durable (a crash loses only unanswered requests, as before), and each transaction still
 * succeeds or fails on its own (a failed one is rolled back to its savepoint; the others are kept).
 *
 * Statements outside a transaction never see, or make an answer depend on, a group's uncommitted rows: a read of the
 * tables transactions never write (sites, keys and origins: the key look-up of every request) runs at once; any
 * other statement first commits the open group.
 */
import type Database from 'better-sqlite3';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';

/** What the driver needs of the database: statements prepared from SQL text (the driver caches them), the raw handle. */
export interface StatementSource {
  prepare(sql: string): Database.Statement;
  raw: Database.Database;
}

/** Tables no transaction writes (sites and keys change outside transactions): read at once even inside a group. */
const DATA_TABLE = /\b(leads|leads_fts\w*|visitors|lead_events|ingest_receipts|kysely_\w+)\b/i;
const CONFIG_TABLE = /\b(api_keys|sites|site_origins)\b/i;

interface Prepared {
  statement: Database.Statement;
  /** Not a SELECT: it may change data. */
  write: boolean;
  /** A read of sites, keys or origins only. */
  configRead: boolean;
  /** A write of sites, keys or origins. */
  configWrite: boolean;
}

function execute<R>(statement: Database.Statement, parameters: unknown[]): QueryResult<R> {
  if (statement.reader) return { rows: statement.all(parameters) as R[] };
  const { changes, lastInsertRowid } = statement.run(parameters);
  return {
    numAffectedRows: changes === undefined || changes === null ? undefined : BigInt(changes),
    insertId: lastInsertRowid === undefined || lastInsertRowid === null ? undefined : BigInt(lastInsertRowid),
    rows: [],
  };
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

interface Group {
  waiters: Waiter[];
  scheduled: boolean;
  /** The group failed (SQLite rolled it back): what its members are told. */
  failed?: unknown;
}

/** One acquisition of the connection: the wrapper lets a transaction hand the connection on before its commit. */
class Lease implements DatabaseConnection {
  released = false;
  inTransaction = false;
  constructor(private readonly driver: GroupCommitDriver) {}
  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.driver.run<R>(query, this.inTransaction);
  }
  // biome-ignore lint/correctness/useYield: streaming is not used; it is refused like Kysely's own driver refuses it for writes.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streamQuery is not supported by the group-commit SQLite driver');
  }
}

export class GroupCommitDriver implements Driver {
  private readonly queue: (() => void)[] = [];
  private locked = false;
  private group: Group | null = null;
  /** A SAVEPOINT transaction is open (between begin and commit/rollback). */
  private active = false;
  /** Per SQL text: its prepared statement and how the group rules treat it (one look-up per statement). */
  private readonly statements = new Map<string, Prepared>();
  /** Bumped by every write of sites, keys or origins through this connection. */
  private configWrites = 0;
  private dataVersion: Database.Statement | undefined;
  /** Runs inside every transaction just before it commits (the search queue's flush, search-queue.ts). */
  beforeCommit: (() => void) | undefined;

  constructor(private readonly source: StatementSource) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.locked) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.locked = true;
    return new Lease(this);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    if (lease.released) return;
    lease.released = true;
    this.unlock();
  }

  private unlock() {
    const next = this.queue.shift();
    if (next) next();
    else this.locked = false;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    // A group SQLite rolled back is closed (its members told) before a new one starts.
    if (this.group && (this.group.failed !== undefined || !this.source.raw.inTransaction)) this.commitNow();
    if (!this.group) {
      this.source.raw.exec('BEGIN');
      this.group = { waiters: [], scheduled: false };
    }
    this.source.raw.exec('SAVEPOINT lt_tx');
    (connection as Lease).inTransaction = true;
    this.active = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    if (!lease.inTransaction) return;
    const group = this.group;
    this.source.raw.exec('RELEASE lt_tx');
    this.endTransaction(lease);
    if (!group) return;
    // The next request may run its transaction in this group meanwhile; this one returns once the group is durable.
    const done = this.joinGroup(group);
    this.scheduleCommit(group);
    return done;
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    if (!lease.inTransaction) return;
    const group = this.group;
    if (group && this.source.raw.inTransaction) {
      this.source.raw.exec('ROLLBACK TO lt_tx');
      this.source.raw.exec('RELEASE lt_tx');
    }
    this.endTransaction(lease);
    if (!group) return;
    // The failure may have been decided on rows of this group (a duplicate, say): answer once those are committed.
    const settled = this.joinGroup(group).catch(() => {});
    this.scheduleCommit(group);
    await settled;
  }

  private endTransaction(lease: Lease) {
    lease.inTransaction = false;
    this.active = false;
    // Hand the connection on now; Kysely's own release, after the group commit, is then a no-op.
    lease.released = true;
    this.unlock();
  }

  private joinGroup(group: Group): Promise<void> {
    return new Promise<void>((resolve, reject) => group.waiters.push({ resolve, reject }));
  }

  private scheduleCommit(group: Group) {
    if (group.scheduled) return;
    group.scheduled = true;
    // After the I/O of this turn of the event loop: every request read in it has run its transaction by then.
    setImmediate(() => this.commitGroup(group));
  }

  /** Commits the open group, unless a transaction is still open in it (it commits the group when it ends). */
  private commitGroup(group: Group) {
    if (this.group !== group) return;
    if (this.active) {
      group.scheduled = false;
      return;
    }
    this.commitNow();
  }

  /** Commits the open group now and tells its members. */
  commitNow() {
    const group = this.group;
    if (!group) return;
    this.group = null;
    let failure: unknown = group.failed;
    if (failure === undefined) {
      try {
        if (this.source.raw.inTransaction) {
          this.beforeCommit?.();
          this.source.raw.exec('COMMIT');
        } else failure = new Error('The transaction group was rolled back by SQLite');
      } catch (error) {
        failure = error;
        if (this.source.raw.inTransaction) this.source.raw.exec('ROLLBACK');
      }
    }
    for (const waiter of group.waiters) {
      if (failure === undefined) waiter.resolve();
      else waiter.reject(failure);
    }
  }

  /**
   * Changes whenever sites, keys or origins may have changed: written through this connection, or anything committed
   * by another connection (`PRAGMA data_version`: the CLI revoking a key, say). Lets key look-ups be cached safely.
   */
  configVersion(): string {
    this.dataVersion ??= this.source.raw.prepare('PRAGMA data_version').pluck();
    return `${this.dataVersion.get()}.${this.configWrites}`;
  }

  /** Runs one statement: inside the open transaction, or (outside one) as the group rules above say. */
  async run<R>(query: CompiledQuery, inTransaction: boolean): Promise<QueryResult<R>> {
    const prepared = this.prepared(query.sql);
    if (prepared.configWrite) this.configWrites++;
    if (!inTransaction && this.group && !this.active && !prepared.configRead) this.commitNow();
    // A write outside any transaction is made a transaction of its own, so that what runs before commits runs too.
    if (!inTransaction && !this.group && prepared.write && this.beforeCommit) {
      return this.source.raw.transaction(() => {
        const result = execute<R>(prepared.statement, query.parameters as unknown[]);
        this.beforeCommit?.();
        return result;
      })();
    }
    try {
      return execute<R>(prepared.statement, query.parameters as unknown[]);
    } catch (error) {
      // Some errors (disk full, I/O) make SQLite roll back the whole transaction: the group is lost.
      if (this.group && !this.source.raw.inTransaction) this.group.failed = error;
      throw error;
    }
  }

  private prepared(sql: string): Prepared {
    let entry = this.statements.get(sql);
    if (!entry) {
      const select = /^\s*select\b/i.test(sql);
      entry = {
        statement: this.source.prepare(sql),
        write: !select,
        configRead: select && !DATA_TABLE.test(sql) && (CONFIG_TABLE.test(sql) || /^\s*select\s+1\s*$/i.test(sql)),
        configWrite: !select && CONFIG_TABLE.test(sql),
      };
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(sql, entry);
    }
    return entry;
  }

  async destroy(): Promise<void> {
    this.commitNow();
    this.source.raw.close();
  }
}

/**
 * SQLite's schema changes are transactional, though Kysely's adapter says not: saying so makes its Migrator run the
 * pending migrations and their records in one transaction, so a migration that fails leaves the database as it was.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl() {
    return true;
  }
}

/** Kysely's SQLite dialect with the group-commit driver (returned too, for its configVersion). */
export function groupCommitDialect(source: StatementSource): { dialect: Dialect; driver: GroupCommitDriver } {
  const driver = new GroupCommitDriver(source);
  const dialect: Dialect = {
    createAdapter: () => new TransactionalDdlSqliteAdapter(),
    createDriver: () => driver,
    createIntrospector: (db: Kysely<unknown>) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  };
  return { dialect, driver };
}
