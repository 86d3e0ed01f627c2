/**
 * The hot actions' queries, built and compiled once per dialect and shape, then run with new values.
 *
 * Kysely builds an immutable tree and compiles it to SQL on every call: 4 to 9 µs a query on this project's machine,
 * and an identify runs about ten of them. A prepared query is built once with a slot standing for each value (a
 * string no caller sends), compiled once, and from then on only its parameter list is filled in. The SQL text is then
 * the same on every call, so the SQLite connection's statement cache (group-commit.ts) and Postgres see one statement.
 *
 * The builder stays the single source of the SQL, typed by the schema; what it may not do is look at the values
 * (they are slots while it builds). A query whose text depends on them gets one compiled form per shape: which values
 * are given (the columns an insert has, how many rows, which filters a list has), and the structure the caller passes
 * beside them (a list's sort, how its search runs), which the builder gets as it is.
 */
import { type Compilable, type CompiledQuery, createQueryId, type Kysely, type QueryResult } from 'kysely';
import type { SqlDialect } from './dialect.ts';
import type { Queryable } from './queryable.ts';
import type { Database } from './schema.ts';

const SLOT = '\u0000leadtrail-slot:';

interface Template {
  compiled: CompiledQuery;
  /** Per parameter: the value's name, or the constant the builder put there itself. */
  parameters: ({ slot: string } | { constant: unknown })[];
}

/** The values of one run, by name (a row to insert, or what the WHERE compares). */
export type Values = object;

export interface PrepareOptions {
  /**
   * The best plan depends on the values (a search, a filtered list): the database plans each call. Otherwise the
   * dialect may keep one plan for all calls (keepStatement).
   */
  planPerCall?: boolean;
}

/** Builds the query from slots standing for the values (those given: undefined ones are left out). */
export type Build<V extends Values, O, S> = (
  db: Kysely<Database>,
  slots: V,
  dialect: SqlDialect,
  structure: S,
) => Compilable<O>;

export class Prepared<V extends Values, O, S = undefined> {
  private readonly templates = new WeakMap<SqlDialect, Map<string, Template>>();

  constructor(
    private readonly build: Build<V, O, S>,
    private readonly options: PrepareOptions = {},
  ) {}

  /**
   * Runs on `db` (the store or a transaction of it) with these values; `structure` (plain data: it is part of the
   * shape's key as JSON) is handed to the builder.
   */
  async run(db: Queryable, dialect: SqlDialect, values: V, structure?: S): Promise<QueryResult<O>> {
    const named = values as Record<string, unknown>;
    const keys = Object.keys(named).filter((key) => named[key] !== undefined);
    const shape = structure === undefined ? keys.join() : `${keys.join()}|${JSON.stringify(structure)}`;
    const template = this.template(dialect, keys, shape, structure as S);
    const parameters = template.parameters.map((p) => ('slot' in p ? named[p.slot] : p.constant));
    return db.executeQuery<O>({ ...template.compiled, parameters, queryId: createQueryId() });
  }

  /** The first row, if any (`executeTakeFirst`). */
  async first(db: Queryable, dialect: SqlDialect, values: V, structure?: S): Promise<O | undefined> {
    return (await this.run(db, dialect, values, structure)).rows[0];
  }

  private template(dialect: SqlDialect, keys: string[], shape: string, structure: S): Template {
    let byShape = this.templates.get(dialect);
    if (!byShape) {
      byShape = new Map();
      this.templates.set(dialect, byShape);
    }
    let template = byShape.get(shape);
    if (!template) {
      const slots = Object.fromEntries(keys.map((key) => [key, `${SLOT}${key}`])) as V;
      const compiled = this.build(dialect.db, slots, dialect, structure).compile();
      const parameters = compiled.parameters.map((value) =>
        typeof value === 'string' && value.startsWith(SLOT) ? { slot: value.slice(SLOT.length) } : { constant: value },
      );
      // A value the builder did not pass through as a parameter (it looked at it, or dropped it) would be lost.
      const used = new Set(parameters.flatMap((p) => ('slot' in p ? [p.slot] : [])));
      const lost = keys.filter((key) => !used.has(key));
      if (lost.length) throw new Error(`prepared query leaves out ${lost.join(', ')}: ${compiled.sql}`);
      template = { compiled, parameters };
      if (!this.options.planPerCall) dialect.keepStatement?.(compiled.sql);
      // Shapes are few (which optional columns an insert has); a bound keeps a mistake from growing without end.
      if (byShape.size > 200) byShape.clear();
      byShape.set(shape, template);
    }
    return template;
  }
}

/** A query built once per dialect and shape: see the file's opening comment. */
export const prepare = <V extends Values, O, S = undefined>(build: Build<V, O, S>, options?: PrepareOptions) =>
  new Prepared<V, O, S>(build, options);
