import { describe, expect, it } from "vitest";
import { ConfigError, DEVELOPMENT_JWT_SECRET, loadConfig } from "../../gateway/config.js";

describe("loadConfig", () => {
  it("defaults to the embedded database, the demo city and the development secret", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      env: "development",
      port: 4000,
      databaseUrl: null,
      dataDir: ".data",
      demoData: true,
      graphiql: true,
      auth: { secret: DEVELOPMENT_JWT_SECRET },
    });
  });

  it("loads no demo data on an operator's database unless asked", () => {
    expect(loadConfig({ DATABASE_URL: "postgresql://u:p@db:5432/hub" }).demoData).toBe(false);
    expect(loadConfig({ DATABASE_URL: "postgresql://u:p@db:5432/hub", DEMO_DATA: "true" }).demoData).toBe(
      true,
    );
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ DATABASE_URL: "", PORT: "" })).toMatchObject({ databaseUrl: null, port: 4000 });
  });

  it("names every invalid variable", () => {
    const attempt = () => loadConfig({ PORT: "eighty", LIMIT_MAX_DEPTH: "1", AUTH_JWT_SECRET: "short" });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(
      /PORT[\s\S]*AUTH_JWT_SECRET: must be at least 32 characters[\s\S]*LIMIT_MAX_DEPTH/,
    );
  });

  it("refuses production without a configured token key", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(
      /AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY_FILE or AUTH_JWKS_FILE/,
    );
    expect(() => loadConfig({ NODE_ENV: "production", AUTH_JWKS_FILE: "/etc/citygraph/jwks.json" })).toThrow(
      /WEBHOOK_TOKEN is required in production/,
    );
    const c = loadConfig({
      NODE_ENV: "production",
      AUTH_JWKS_FILE: "/etc/citygraph/jwks.json",
      WEBHOOK_TOKEN: "a-webhook-token-for-the-city",
    });
    expect(c.auth).toMatchObject({ secret: null, jwksFile: "/etc/citygraph/jwks.json" });
  });
});
