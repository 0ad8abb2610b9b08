/**
 * Typed row decoders: a query declares the columns it selects (a table's, or its own result
 * columns built with the column types of src/model/columns.ts) and its rows come back as typed
 * objects. Numbers come back as numbers (BIGINT and HUGEINT included), JSON columns parsed once.
 * A declared column missing from the result, or NULL where it was declared NOT NULL, is an
 * INTERNAL error naming it: a query that drifted from its declaration fails loudly.
 */
import { sqlIdentifier, sqlName, type Columns, type ReadAs, type RowOf, type Table } from "../model/columns.js";
import { MailtrailError } from "../model/errors.js";

/** What a query reads: its own result columns, or a whole table's. */
export type Shape<C extends Columns> = C | Table<C>;

/** A shape's keys, result names and readers as arrays, computed once per shape. */
interface Plan {
  keys: string[];
  names: string[];
  reads: ReadAs[];
  notNull: boolean[];
}

const plans = new WeakMap<object, Plan>();

function isTable<C extends Columns>(shape: Shape<C>): shape is Table<C> {
  return typeof (shape as Table<C>).name === "string" && typeof (shape as Table<C>).col === "object";
}

export function columnsOf<C extends Columns>(shape: Shape<C>): C {
  return isTable(shape) ? shape.columns : shape;
}

function planOf(columns: Columns): Plan {
  let plan = plans.get(columns);
  if (!plan) {
    const keys = Object.keys(columns);
    plan = {
      keys,
      names: keys.map(sqlName),
      reads: keys.map((key) => (columns[key] as Columns[string]).read),
      notNull: keys.map((key) => !(columns[key] as Columns[string]).nullable),
    };
    plans.set(columns, plan);
  }
  return plan;
}

/** The comma-separated result names of a shape, qualified by `alias` if given: `e.id, e.ts`. */
export function selectList<C extends Columns>(shape: Shape<C>, alias?: string): string {
  const prefix = alias ? `${alias}.` : "";
  return planOf(columnsOf(shape))
    .keys.map((key) => `${prefix}${sqlIdentifier(key)}`)
    .join(", ");
}

function read(how: ReadAs, value: unknown): unknown {
  switch (how) {
    case "text":
      return typeof value === "string" ? value : String(value);
    case "number":
      return typeof value === "number" ? value : Number(value);
    case "boolean":
      return value === true;
    case "texts":
      return value;
    case "json":
      return JSON.parse(value as string);
  }
}

/** Decodes the rows of one result: the result's column positions are looked up once. */
export class RowDecoder<C extends Columns> {
  private readonly plan: Plan;
  private readonly positions: number[];

  constructor(shape: Shape<C>, resultColumns: readonly string[]) {
    this.plan = planOf(columnsOf(shape));
    this.positions = this.plan.names.map((name) => {
      const at = resultColumns.indexOf(name);
      if (at < 0) throw new MailtrailError("INTERNAL", `query result has no column '${name}' (it has ${resultColumns.join(", ")})`);
      return at;
    });
  }

  decode(values: readonly unknown[]): RowOf<C> {
    const { keys, reads, notNull, names } = this.plan;
    const row: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const value = values[this.positions[i] as number];
      if (value === null || value === undefined) {
        if (notNull[i]) throw new MailtrailError("INTERNAL", `query column '${names[i] as string}' is NULL although declared NOT NULL`);
        row[keys[i] as string] = null;
      } else {
        row[keys[i] as string] = read(reads[i] as ReadAs, value);
      }
    }
    return row as RowOf<C>;
  }

  decodeAll(rows: readonly (readonly unknown[])[]): RowOf<C>[] {
    const out: RowOf<C>[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = this.decode(rows[i] as readonly unknown[]);
    return out;
  }
}
