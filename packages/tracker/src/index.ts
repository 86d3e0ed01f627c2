/**
 * The ESM entry for bundler users: `createTracker({ key, api })` returns the same API as `window.leadtrail`,
 * without touching the global. One tracker per page: later calls return the first one.
 */
import { type Leadtrail, type Options, start } from './api.ts';

export type { Contact, Leadtrail, Options, Page, Visitor } from './api.ts';

let tracker: Leadtrail | undefined;

export const createTracker = (options: Options): Leadtrail => (tracker ||= start(options));
