/**
 * Captures the SQL a store runs, so tests can EXPLAIN the very queries the store builds: the dialect gets its own
 * Kysely handle whose executor records each query as it is run, compiled (SQL text and the values bound), whether
 * a builder compiled it just then or it was prepared before (store/sql/prepared.ts). Queries in a transaction run on
 * the transaction's own executor and are not seen.
 */
import type { CompiledQuery } from 'kysely';
import type { SqlDialect } from '../../packages/collector/src/store/sql/dialect.ts';

export function captureQueries(dialect: SqlDialect): {
  dialect: SqlDialect;
  /** Queries run since the last take(). */
  take(): CompiledQuery[];
} {
  let seen: CompiledQuery[] = [];
  const db = dialect.db.withoutPlugins();
  const executor = db.getExecutor();
  const run = executor.executeQuery.bind(executor);
  executor.executeQuery = ((query: CompiledQuery, ...rest: unknown[]) => {
    seen.push(query);
    return (run as (...args: unknown[]) => ReturnType<typeof run>)(query, ...rest);
  }) as typeof run;
  return {
    dialect: { ...dialect, db },
    take() {
      const taken = seen;
      seen = [];
      return taken;
    },
  };
}
