/** The collector as a library: open a store, start the server, or call the core directly. */

export { createApp } from './app.ts';
export { countLeads, firstLeadAt, leadsByTouch, leadsByTouches, leadsPerPeriod } from './core/aggregates.ts';
export type { ActionContext, ActionResult } from './core/context.ts';
export { LeadsError } from './core/errors.ts';
export { createApiKey, hashKey, verifyApiKey } from './core/keys.ts';
export { runLeadsAction } from './core/run-action.ts';
export { allowOrigins, createSiteWithKeys, firstRunKeyLines, firstRunSite } from './core/sites.ts';
export {
  appOptions,
  pruneHourly,
  type RunningServer,
  type ServerOptions,
  startServer,
  stopOnSignals,
} from './server.ts';
export type { LeadStore } from './store/lead-store.ts';
export { DEFAULT_DB_PATH, isPostgresUrl, openStore, resolveDb } from './store/open-store.ts';
export { openPostgresDialect } from './store/postgres/postgres-dialect.ts';
export { SqlLeadStore } from './store/sql/sql-store.ts';
export { openSqliteDialect } from './store/sqlite/sqlite-dialect.ts';
