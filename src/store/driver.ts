/** The few things the SQL store needs from a database connection. SQL uses `?` placeholders. */
export interface Driver {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  execute(sql: string, params?: readonly unknown[]): Promise<number>;
  transaction<T>(fn: (tx: Driver) => Promise<T>): Promise<T>;
  script(sql: string): Promise<void>;
  close(): Promise<void>;
}

/** What differs between backends, written as data rather than as branches. */
export interface Dialect {
  name: 'sqlite' | 'postgres';
  /** Appended to the claim sub-select: row locks that let several nodes claim side by side. */
  claimLock: string;
  /**
   * Appended to a read of rows a transaction goes on to change (an endpoint's health), so that two
   * nodes change them one after the other. SQLite has one writer: it needs none.
   */
  rowLock: string;
  /**
   * Run before a claim, in its transaction: planner settings that make it walk the due runs in index
   * order, taking only what it claims. Without them PostgreSQL, reckoning from statistics that
   * predate a backlog (never gathered, or gathered when few runs were waiting), reads every due run
   * and sorts them all for each claim: a drain of 20,000 runs spent half its claims' time there.
   */
  claimPlan: string;
  /** Several nodes may share this database. */
  multiNode: boolean;
  /**
   * Writes wait for one another (SQLite's one write lock): a prune holds up every writer while it
   * runs. Where rows are locked one by one (PostgreSQL), a prune of old rows holds up no one.
   */
  oneWriter: boolean;
  /**
   * Writes in WITH clauses: a claim takes its runs, marks their executions running and reads what
   * the calls need in one statement — one round trip where every statement is one.
   */
  writingCtes: boolean;
  /** What the database reads as now, in epoch milliseconds: the one clock nodes sharing it agree on. */
  nowSql: string;
  /**
   * The space of deleted rows is reused without help (SQLite's free pages). Where it is not, rows a
   * prune deleted wait for a VACUUM (PostgreSQL), which Hookline runs itself when autovacuum is off.
   */
  reusesFreedSpace: boolean;
}
