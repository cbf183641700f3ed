// GraphiQL in a real headless Chromium, against a real hub: the page opens from local assets, an
// analyst puts a token in the Headers tab, runs a query and a subscription from the UI, and no
// request leaves the machine (government networks have no internet; GraphiQL must not need it).
import fs from "node:fs";
import path from "node:path";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDemoAreaTree, DEMO_CITY } from "../../sandbox/city/areas.js";
import { startTestHub, type TestHub } from "../support/hub.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const INSTALL_HINT = "install chromium: apt-get install -y chromium";
const hasChromium = fs.existsSync(CHROMIUM);
// On a developer's machine a missing browser skips the test; in CI it is a failure.
const skip = !hasChromium && !process.env.CI;
if (skip) console.warn(`skipping the GraphiQL browser test: no Chromium at ${CHROMIUM} (${INSTALL_HINT})`);

const SCREENSHOT = path.join(import.meta.dirname, "..", ".artifacts", "graphiql.png");
const SUBSCRIPTION_SCREENSHOT = path.join(
  import.meta.dirname,
  "..",
  ".artifacts",
  "graphiql-subscription.png",
);
const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);
const LOCAL_SCHEMES = new Set(["data:", "blob:", "about:"]);

// Named, so that the tab title shows when GraphiQL has parsed what was typed (it does so after a
// short debounce, and a click before that would run the previous document).
const QUERY = `query CityCounts { area(code: "${DEMO_CITY.code}") { name subtreeCounts { districts grids } } }`;
const SUBSCRIPTION = "subscription Heartbeat { heartbeat(everySeconds: 1) { at databaseReady instance } }";

const tree = buildDemoAreaTree();
const districts = tree.filter((a) => a.level === "DISTRICT").length;
const grids = tree.filter((a) => a.level === "GRID").length;

let hub: TestHub;
let token: string;
let browser: Browser | undefined;

beforeAll(async () => {
  if (skip) return;
  if (!hasChromium) throw new Error(`no Chromium at ${CHROMIUM}: ${INSTALL_HINT}`);
  hub = await startTestHub();
  token = await hub.token({ roles: ["city_commander"], areas: [DEMO_CITY.code] });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-features=Translate,OptimizationHints,MediaRouter",
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
});

/** Every URL the page (and its workers) asked for, and every WebSocket frame, as they happen. */
function recordTraffic(context: BrowserContext, page: Page) {
  const urls: string[] = [];
  const graphqlPosts: { url: string; authorization: string | undefined }[] = [];
  const sockets: string[] = [];
  const sent: Record<string, unknown>[] = [];
  const received: Record<string, unknown>[] = [];
  context.on("request", (r) => {
    urls.push(r.url());
    if (r.method() === "POST" && new URL(r.url()).pathname === "/graphql")
      graphqlPosts.push({ url: r.url(), authorization: r.headers().authorization });
  });
  page.on("worker", (w) => urls.push(w.url()));
  page.on("websocket", (ws) => {
    urls.push(ws.url());
    sockets.push(ws.url());
    const parse = (payload: string | Buffer) => JSON.parse(payload.toString()) as Record<string, unknown>;
    ws.on("framesent", (f) => sent.push(parse(f.payload)));
    ws.on("framereceived", (f) => received.push(parse(f.payload)));
  });
  const offMachine = () =>
    urls.filter((u) => {
      const url = new URL(u);
      return !LOCAL_SCHEMES.has(url.protocol) && !LOCAL_HOSTS.has(url.hostname);
    });
  return { urls, graphqlPosts, sockets, sent, received, offMachine };
}

/** The text of the lines Monaco has rendered (one line's text after the other; spaces are rendered
 * as no-break spaces). */
async function shownText(editor: Locator): Promise<string> {
  return ((await editor.locator(".view-lines").textContent()) ?? "").replaceAll("\u00a0", " ");
}

/** Click into a Monaco editor, clear it and type (or paste) new content, as a person would. */
async function replaceEditorText(page: Page, editor: Locator, text: string, how: "type" | "paste") {
  await editor.click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  if (how === "type") await page.keyboard.type(text);
  else await page.keyboard.insertText(text);
  await expect.poll(() => shownText(editor)).toBe(text);
  await page.keyboard.press("Home"); // scroll back to the line's start, for the screenshot
}

/** The active tab, once its title is the operation GraphiQL parsed from the editor. */
function activeTab(page: Page, operationName: string): Locator {
  return page.locator(`.graphiql-tab-active .graphiql-tab-button[title="${operationName}"]`);
}

describe("GraphiQL (ruru) in headless Chromium", () => {
  it.skipIf(skip)(
    "opens, runs a query and a subscription with a token, and makes no request off the machine",
    async () => {
      const context = await browser!.newContext({ viewport: { width: 1400, height: 900 } });
      try {
        const page = await context.newPage();
        const traffic = recordTraffic(context, page);

        // 1. The page renders GraphiQL's editor (Monaco), from the hub's own static files.
        await page.goto(`${hub.url}/graphiql`);
        const queryEditor = page.locator(".graphiql-query-editor .monaco-editor");
        await queryEditor.waitFor({ timeout: 15_000 });
        const execute = page.getByRole("button", { name: /^Execute query/ });
        const stop = page.getByRole("button", { name: /^Stop query/ });
        const response = page.locator(".graphiql-response .monaco-editor");

        // 2. Headers tab: paste the token; query editor: type the query; click execute.
        await page.locator('button[data-name="headers"]').click();
        const headersEditor = page.locator(".graphiql-editor-tool .monaco-editor:visible");
        await replaceEditorText(page, headersEditor, `{"Authorization": "Bearer ${token}"}`, "paste");
        await replaceEditorText(page, queryEditor, QUERY, "type");
        await activeTab(page, "CityCounts").waitFor();
        await execute.click();
        await expect.poll(() => shownText(response), { timeout: 10_000 }).toContain(`"${DEMO_CITY.name}"`);
        const result = await shownText(response);
        expect(result).toMatch(new RegExp(`"name": "${DEMO_CITY.name}"`));
        expect(result).toMatch(new RegExp(`"districts": ${districts}\\b`));
        expect(result).toMatch(new RegExp(`"grids": ${grids}\\b`));
        expect(result).not.toContain('"errors"');
        fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
        await page.screenshot({ path: SCREENSHOT });
        // The query went over HTTP with the header from the Headers tab.
        expect(traffic.graphqlPosts.some((p) => p.authorization === `Bearer ${token}`)).toBe(true);

        // 3. A subscription from the same UI: heartbeats arrive over graphql-ws; the pane shows
        // each one as it comes (the newest replaces the previous), so watch `at` change.
        await replaceEditorText(page, queryEditor, SUBSCRIPTION, "type");
        await activeTab(page, "Heartbeat").waitFor();
        await execute.click();
        const beats = new Set<string>();
        await expect
          .poll(
            async () => {
              const at = /"at": "([^"]+)"/.exec(await shownText(response))?.[1];
              if (at) beats.add(at);
              return beats.size;
            },
            { timeout: 10_000, interval: 100 },
          )
          .toBeGreaterThanOrEqual(2);
        const shown = await shownText(response);
        expect(shown).toContain('"databaseReady": true');
        expect(shown).not.toContain('"errors"');
        await page.screenshot({ path: SUBSCRIPTION_SCREENSHOT });

        // What ruru sent: the Headers tab's JSON, as the connection_init payload.
        const init = traffic.sent.find((m) => m.type === "connection_init");
        expect(init?.payload).toEqual({ Authorization: `Bearer ${token}` });
        expect(traffic.received.filter((m) => m.type === "next").length).toBeGreaterThanOrEqual(2);
        expect(traffic.received.some((m) => m.type === "error")).toBe(false);

        // Stop it from the UI: graphql-ws sends `complete`.
        await stop.click();
        await expect.poll(() => traffic.sent.some((m) => m.type === "complete")).toBe(true);
        await execute.waitFor();

        // 4. Nothing left the machine, and the check is not vacuous.
        expect(traffic.offMachine()).toEqual([]);
        expect(traffic.graphqlPosts.length).toBeGreaterThan(0);
        expect(traffic.sockets.map((u) => new URL(u).pathname)).toContain("/graphql");
        expect(traffic.urls.some((u) => new URL(u).pathname.startsWith("/graphiql/static/"))).toBe(true);
      } finally {
        await context.close();
      }
    },
    30_000,
  );
});
