// Where declarative connectors may read: only the department hosts the city configured
// (CONNECTOR_ALLOWED_HOSTS), so that a connector definition cannot make the hub fetch whatever it
// can reach (an internal service, a cloud metadata address) and hand back what it read. The
// allow-list is the process's, set once at boot before any connector runs; it is checked when a
// definition is previewed or registered and again before every request, so a stored definition
// that points elsewhere stops working when the list changes. Redirects are never followed
// (connectors/http.ts), so a permitted host cannot send the hub on to another.
import { UpstreamUnavailableError } from "../contract.js";

/** A host, optionally `:port`; `*.` in front allows every subdomain of what follows. */
export interface HostPattern {
  host: string;
  port: string | null;
}

/** The default outside production: this machine only (the sandbox systems listen on 127.0.0.1). */
export const LOOPBACK_HOSTS: readonly string[] = ["127.0.0.1", "localhost", "[::1]"];

export function parseHostPatterns(list: readonly string[]): HostPattern[] {
  return list
    .map((p) => p.trim().toLowerCase())
    .filter((p) => p.length > 0)
    .map((p) => {
      const m = /^(\[[0-9a-f:.]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(p);
      if (!m) throw new Error(`"${p}" is not a host or host:port`);
      return { host: m[1]!, port: m[2] ?? null };
    });
}

let allowed: HostPattern[] = parseHostPatterns(LOOPBACK_HOSTS);

/** Set the process's allow-list (gateway/boot.ts, from CONNECTOR_ALLOWED_HOSTS). */
export function allowSourceHosts(patterns: readonly string[]): void {
  allowed = parseHostPatterns(patterns);
}

/** The configured allow-list, as written (for messages). */
export function allowedSourceHosts(): string[] {
  return allowed.map((p) => (p.port ? `${p.host}:${p.port}` : p.host));
}

const defaultPort = (protocol: string) => (protocol === "https:" ? "443" : "80");

function matches(pattern: HostPattern, url: URL): boolean {
  const host = url.hostname.toLowerCase();
  const port = url.port || defaultPort(url.protocol);
  if (pattern.port !== null && pattern.port !== port) return false;
  if (pattern.host.startsWith("*.")) return host.endsWith(pattern.host.slice(1));
  return host === pattern.host;
}

/** A source URL whose host is not on the allow-list. */
export class SourceHostRefused extends UpstreamUnavailableError {
  constructor(
    connectorId: string,
    readonly host: string,
  ) {
    super(
      connectorId,
      `connector ${connectorId}: source.endpoint host ${host} is not an allowed department host (CONNECTOR_ALLOWED_HOSTS: ${allowedSourceHosts().join(", ") || "none"})`,
    );
  }
}

/** Throws SourceHostRefused unless the URL's host (and port) is allowed. */
export function checkSourceHost(connectorId: string, endpoint: string): void {
  const url = new URL(endpoint);
  if (!allowed.some((p) => matches(p, url))) throw new SourceHostRefused(connectorId, url.host);
}
