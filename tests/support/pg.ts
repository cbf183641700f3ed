// Small PostgreSQL helpers for tests: admin statements, per-file databases, free ports.
import { randomBytes } from "node:crypto";
import net from "node:net";
import pg from "pg";

export async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export function databaseUrl(adminUrl: string, database: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A fresh database cloned from the migrated, seeded template. Dropped by the returned function. */
export async function cloneTemplate(
  adminUrl: string,
  template: string,
): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `citygraph_test_${randomBytes(5).toString("hex")}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(adminUrl, `CREATE DATABASE "${name}" TEMPLATE "${template}"`);
      break;
    } catch (e) {
      // Two files cloning at the same instant: PostgreSQL refuses while the template is in use.
      if (attempt >= 20 || !/being accessed by other users/.test((e as Error).message)) throw e;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  return {
    name,
    url: databaseUrl(adminUrl, name),
    drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/** An empty database (no migrations), for start-up tests. */
export async function emptyDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `citygraph_empty_${randomBytes(5).toString("hex")}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
  return {
    url: databaseUrl(adminUrl, name),
    drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
