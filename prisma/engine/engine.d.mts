// Types for engine.mjs (plain JS so that the Prisma CLI can spawn it without a loader).
export function applyMigrations(url: string, migrationsDir: string): Promise<string[]>;
export function pgConfigFromUrl(url: string): {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  options?: string;
};
