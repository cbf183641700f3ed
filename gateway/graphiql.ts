// GraphiQL (ruru) from the assets inside the ruru npm package: no CDN, so it works inside
// government networks with no internet. Subscriptions go over graphql-ws on /graphql.
import type { IncomingMessage, ServerResponse } from "node:http";
import { type RuruClientConfig, ruruHTML } from "ruru/server";
import { serveStatic } from "ruru/static";

export const GRAPHIQL_PATH = "/graphiql";
const STATIC_PATH = `${GRAPHIQL_PATH}/static/`;
const staticHandler = serveStatic(STATIC_PATH);

const INITIAL_QUERY = `# CityGraph: one graph of person, place, event and organisation.
# Put a token in the Headers tab: {"Authorization": "Bearer <token>"}
# (make one with: npm run token -- --role city_commander --area 320600),
# then re-fetch the schema (the ⟳ button, or Shift+Ctrl+R): it is shown to authenticated callers only.

query DemoAreaTree {
  me { subject roles jurisdiction { code name } }
  area(code: "320600") {
    name
    level
    subtreeCounts { districts streets communities grids }
    children(first: 10) { totalCount edges { node { code name } } }
  }
}

# subscription Heartbeat { heartbeat(everySeconds: 5) { at databaseReady instance } }
`;

export function isGraphiQLPath(pathname: string): boolean {
  return pathname === GRAPHIQL_PATH || pathname.startsWith(`${GRAPHIQL_PATH}/`);
}

export function serveGraphiQL(req: IncomingMessage, res: ServerResponse, pathname: string): void {
  if (pathname.startsWith(STATIC_PATH)) {
    staticHandler(req, res, () => res.writeHead(404, { "content-type": "text/plain" }).end("not found"));
    return;
  }
  // Behind a TLS-terminating proxy the page must open wss://, on the host the browser used.
  const secure = req.headers["x-forwarded-proto"] === "https";
  const host = req.headers["x-forwarded-host"] ?? req.headers.host ?? "localhost";
  const html = ruruHTML({
    staticPath: STATIC_PATH,
    endpoint: "/graphql",
    subscriptionEndpoint: `${secure ? "wss" : "ws"}://${host}/graphql`,
    subscriptions: true,
    // ruru 2.0.0-rc.3 (the last release for Node 20) types this from a package it does not ship,
    // which makes every field required; these two are all the page needs.
    clientConfig: { initialQuery: INITIAL_QUERY, isHeadersEditorEnabled: true } as RuruClientConfig,
  });
  res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(html);
}
