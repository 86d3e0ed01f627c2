/**
 * Captures the SQL a store runs, so tests can EXPLAIN the very queries the store builds: the dialect's Kysely
 * handle gets a plugin that records each query, compiled by the dialect's own compiler.
 */
import type {
  CompiledQuery,
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import type { SqlDialect } from '../../packages/collector/src/store/sql/dialect.ts';

export function captureQueries(dialect: SqlDialect): {
  dialect: SqlDialect;
  /** Queries run since the last take(), compiled (SQL text and parameters). */
  take(): CompiledQuery[];
} {
  let seen: PluginTransformQueryArgs[] = [];
  const plugin: KyselyPlugin = {
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      seen.push(args);
      return args.node;
    },
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      return args.result;
    },
  };
  const db = dialect.db.withPlugin(plugin);
  return {
    dialect: { ...dialect, db },
    take() {
      const executor = dialect.db.getExecutor();
      const compiled = seen.map((args) => executor.compileQuery(args.node, args.queryId));
      seen = [];
      return compiled;
    },
  };
}
