import Database from 'better-sqlite3';

/** One row of a shop table, as SQLite returns it (text, integers, null). */
export type Row = Record<string, string | number | null>;

/** Every table of the shop, row by row: what a case's checker compares. */
export type ShopState = Record<string, Row[]>;

/**
 * How each table is compared. Keyed tables match rows by their primary key and compare every other
 * column; append-only tables (refunds, stock moves) compare as multisets of rows without their
 * autoincrement `id`, since the id a row gets depends on failed attempts, not on what was done.
 */
export const shopTables: ReadonlyArray<
  { table: string; key: readonly string[] } | { table: string; appendOnly: true }
> = [
  { table: 'customers', key: ['id'] },
  { table: 'products', key: ['sku'] },
  { table: 'orders', key: ['id'] },
  { table: 'order_items', key: ['order_id', 'sku'] },
  { table: 'refunds', appendOnly: true },
  { table: 'stock_moves', appendOnly: true },
];

/** Opens (creating when missing) the shop database at `file` and fills a new one from the seed SQL. */
export function openShop(file: string, seedSql: string): Database.Database {
  const db = new Database(file);
  db.pragma('foreign_keys = ON');
  // A throwaway copy per case: durability on a crash buys nothing, and each fsync would cost ~200 ms per case.
  db.pragma('journal_mode = MEMORY');
  db.pragma('synchronous = OFF');
  const fresh = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as {
    n: number;
  };
  if (fresh.n === 0) db.transaction(() => db.exec(seedSql))();
  return db;
}

/** Reads every shop table in a stable order (by rowid). */
export function snapshotShop(db: Database.Database): ShopState {
  return Object.fromEntries(
    shopTables.map(({ table }) => [
      table,
      db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all() as Row[],
    ]),
  );
}

/** The shop as the seed SQL leaves it (an in-memory database, closed again). */
export function initialShopState(seedSql: string): ShopState {
  const db = openShop(':memory:', seedSql);
  try {
    return snapshotShop(db);
  } finally {
    db.close();
  }
}
