// Shared plumbing of the sandbox department systems: one node:http server per silo, a small
// router, parameter validation (400 naming the parameter), opaque offset cursors, paging over the
// generator's datasets (DatasetPager: page N without materialising the dataset) and the
// fault-injection control every service exposes for the hub's resilience tests, and the steady
// stream of new and changed records the silos with matters produce for a live demo.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dayOf, secondsOfDay } from "../generator/calendar.js";
import type { City } from "../generator/city.js";
import { createCity } from "../generator/city.js";
import { DatasetPager, type SiloDataset } from "../generator/dataset.js";
import { CITY_CLOCK, type PresetName } from "../generator/presets.js";
import { hashSeed, Rng, type SeedState, streamRng } from "../generator/rng.js";
import { siloDatasets } from "../generator/silos/index.js";
import type { DatasetName } from "../generator/truth.js";

export const SERVICE_NAMES = ["publicSecurity", "civilAffairs", "hotline", "petition", "grid"] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Largest page a data endpoint serves; larger limits are capped to it. */
export const MAX_LIMIT = 5_000;
/** Page size when the request gives no limit. */
export const DEFAULT_LIMIT = 500;

export interface ServiceOptions {
  /** Generator seed: the same (seed, preset | persons) serves the same records. */
  seed: string;
  preset?: PresetName;
  /** Override the preset's number of persons (tests use small cities). */
  persons?: number;
  /** A city already built with the same options, to share one between services. */
  city?: City;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 = any free port. */
  port?: number;
  /**
   * Serve at most this many records a page, whatever limit a client asks for (as many real
   * servers do): a client must page on until the source says it has no more. Default MAX_LIMIT.
   */
  maxPageSize?: number;
  /**
   * Produce one new or changed record every `everyMs` ms from the start (0 or absent: only when
   * asked, POST /_sandbox/stream). Services without matters (civil affairs) have no stream.
   */
  stream?: { everyMs: number };
}

export interface RunningService {
  name: ServiceName;
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:4101 */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export function cityOf(options: ServiceOptions): City {
  return options.city ?? createCity({ seed: options.seed, preset: options.preset, persons: options.persons });
}

const datasetCache = new WeakMap<City, SiloDataset[]>();

/** One of the city's silo datasets by name, typed with its record shape. */
export function datasetOf<R extends object>(city: City, name: DatasetName): SiloDataset<R> {
  let all = datasetCache.get(city);
  if (!all) {
    all = siloDatasets(city);
    datasetCache.set(city, all);
  }
  const ds = all.find((d) => d.name === name);
  if (!ds) throw new Error(`the generator has no dataset "${name}"`);
  return ds as SiloDataset<R>;
}

// ---- paging ----

/** Random access over a sequence of records. */
export interface Feed<R> {
  total(): number;
  page(offset: number, limit: number): R[];
}

/** A generator dataset, paged by record offset (only the units a page needs are generated). */
export function datasetFeed<R extends object>(dataset: SiloDataset<R>): Feed<R> {
  const pager = new DatasetPager(dataset);
  return {
    total: () => pager.total(),
    page: (offset, limit) => pager.page(offset, limit).map((e) => e.record),
  };
}

export function arrayFeed<R>(items: readonly R[]): Feed<R> {
  return { total: () => items.length, page: (offset, limit) => items.slice(offset, offset + limit) };
}

export interface Page<R> {
  records: R[];
  total: number;
  nextOffset: number;
  hasMore: boolean;
}

export function pageOf<R>(feed: Feed<R>, offset: number, limit: number): Page<R> {
  const total = feed.total();
  const records = offset < total ? feed.page(offset, limit) : [];
  const nextOffset = offset + records.length;
  return { records, total, nextOffset, hasMore: nextOffset < total };
}

// ---- parameters ----

/** A request parameter the service cannot accept: answered 400 naming the parameter. */
export class ParamError extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
  }
}

export function parseLimit(url: URL, max = MAX_LIMIT, fallback = DEFAULT_LIMIT): number {
  const raw = url.searchParams.get("limit");
  if (raw === null || raw === "") return fallback;
  if (!/^\d+$/.test(raw)) throw new ParamError("limit", `limit must be a positive integer, got "${raw}"`);
  const n = Number(raw);
  if (n < 1) throw new ParamError("limit", `limit must be at least 1, got ${raw}`);
  return Math.min(n, max);
}

/** The page size a service serves for this request: the client's limit, capped by the service's. */
export function pageSizeOf(url: URL, options: Pick<ServiceOptions, "maxPageSize">): number {
  return parseLimit(url, Math.min(options.maxPageSize ?? MAX_LIMIT, MAX_LIMIT));
}

export function parseOffsetParam(url: URL, name = "offset"): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return 0;
  if (!/^\d{1,15}$/.test(raw))
    throw new ParamError(name, `${name} must be a non-negative integer, got "${raw}"`);
  return Number(raw);
}

/** An opaque cursor: base64url of "<tag>:<offset>", so a cursor of one feed is refused by another. */
export function encodeCursor(tag: string, offset: number): string {
  return Buffer.from(`${tag}:${offset}`, "utf8").toString("base64url");
}

export function parseCursorParam(url: URL, tag: string, name = "cursor"): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return 0;
  const bad = () => new ParamError(name, `${name} "${raw}" is not a cursor this endpoint issued`);
  if (!/^[A-Za-z0-9_-]+$/.test(raw)) throw bad();
  const m = /^([A-Za-z]+):(\d{1,15})$/.exec(Buffer.from(raw, "base64url").toString("utf8"));
  if (!m || m[1] !== tag) throw bad();
  return Number(m[2]);
}

// ---- faults ----

export const FAULT_MODES = ["none", "error500", "timeout", "garbage"] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export interface FaultState {
  mode: FaultMode;
  /** Probability that a data request gets the fault. */
  rate: number;
  /** Faults left before the mode reverts to "none"; null = unlimited. */
  remaining: number | null;
}

/** Which fault (if any) the next data request gets; draws are seeded, so runs repeat. */
export class FaultInjector {
  private state: FaultState = { mode: "none", rate: 1, remaining: null };
  private readonly rng: Rng;

  constructor(seed: string, service: ServiceName) {
    this.rng = new Rng(hashSeed(`${seed}\u0000faults\u0000${service}`));
  }

  get current(): FaultState {
    return { ...this.state };
  }

  configure(body: unknown): FaultState {
    if (body === null || typeof body !== "object" || Array.isArray(body))
      throw new ParamError("body", 'expected a JSON object {"mode", "rate"?, "remaining"?}');
    const b = body as Record<string, unknown>;
    const mode = b.mode;
    if (typeof mode !== "string" || !(FAULT_MODES as readonly string[]).includes(mode))
      throw new ParamError("mode", `mode must be one of ${FAULT_MODES.join(", ")}`);
    const rate = b.rate ?? 1;
    if (typeof rate !== "number" || !(rate >= 0 && rate <= 1))
      throw new ParamError("rate", "rate must be a number between 0 and 1");
    const remaining = b.remaining ?? null;
    if (
      remaining !== null &&
      !(typeof remaining === "number" && Number.isInteger(remaining) && remaining >= 1)
    )
      throw new ParamError("remaining", "remaining must be a positive integer (or absent for unlimited)");
    this.state = { mode: mode as FaultMode, rate, remaining };
    return this.current;
  }

  /** Draw the fault for one data request (and count it down). */
  next(): FaultMode {
    const s = this.state;
    if (s.mode === "none") return "none";
    if (s.rate < 1 && this.rng.float() >= s.rate) return "none";
    const mode = s.mode;
    if (s.remaining !== null) {
      s.remaining--;
      if (s.remaining <= 0) this.state = { mode: "none", rate: 1, remaining: null };
    }
    return mode;
  }
}

// ---- the steady stream ----

/**
 * A silo's changing records: the generated dataset followed by every new record and every new
 * version of a record the stream produced, in order, so a client paging on from its last cursor
 * (incremental sync) sees each change once, after everything it read before.
 */
export class ChangeLog<R> {
  private readonly appended: R[] = [];
  /** Latest version of every record a change touched, and their keys in order. */
  private readonly latest = new Map<string, R>();
  private readonly touched: string[] = [];
  private readonly baseTotal: number;
  readonly feed: Feed<R>;

  constructor(
    private readonly base: Feed<R>,
    private readonly keyOf: (record: R) => string,
  ) {
    this.baseTotal = base.total();
    this.feed = {
      total: () => this.baseTotal + this.appended.length,
      page: (offset, limit) => {
        const out = offset < this.baseTotal ? base.page(offset, limit) : [];
        const from = Math.max(0, offset - this.baseTotal);
        return [...out, ...this.appended.slice(from, from + limit - out.length)];
      },
    };
  }

  /** A generated record at random (a template for a new one). */
  sample(rng: Rng): R {
    return this.base.page(rng.int(0, this.baseTotal - 1), 1)[0]!;
  }

  /**
   * The latest version of a record that can still move (`canMove`): one changed before (3 in 10)
   * or a generated one; null when 32 draws found none.
   */
  pickMovable(rng: Rng, canMove: (record: R) => boolean): R | null {
    for (let tries = 0; tries < 32; tries++) {
      const candidate =
        this.touched.length > 0 && rng.chance(0.3)
          ? this.latest.get(rng.pick(this.touched))!
          : this.sample(rng);
      const current = this.latest.get(this.keyOf(candidate)) ?? candidate;
      if (canMove(current)) return current;
    }
    return null;
  }

  /** Serve a new record, or a new version of one, after everything served so far. */
  append(record: R): void {
    const key = this.keyOf(record);
    if (!this.latest.has(key)) this.touched.push(key);
    this.latest.set(key, record);
    this.appended.push(record);
  }
}

/** One change of a stream: its number, its own random draws and when it happens (city seconds). */
export interface ChangeDraw {
  k: number;
  rng: Rng;
  at: number;
}

/**
 * A service's sequence of changes: the k-th draws from streamRng(base, label, k), so it depends
 * only on (seed, size, k); it happens from 09:00 the day after the city's as-of date, about 97 s
 * after the one before.
 */
export function changeSequence(base: SeedState, label: string): () => ChangeDraw {
  const start = secondsOfDay(dayOf(CITY_CLOCK.asOf) + 1) + 9 * 3600;
  let next = 0;
  return () => {
    const k = next++;
    const rng = streamRng(base, label, k);
    return { k, rng, at: start + k * 97 + rng.int(0, 60) };
  };
}

export interface ChangeStream {
  /** One change every `everyMs` ms from now; 0 stops. */
  set(everyMs: number): void;
  /** Changes the stream produced so far. */
  readonly streamed: number;
  /** GET /_sandbox/stream: {"everyMs","streamed", …state()}; POST {"everyMs":N} sets it and answers the same. */
  readonly routes: readonly Route[];
}

const STREAM_MIN_MS = 10;
const STREAM_MAX_MS = 3_600_000;

/**
 * A service's steady stream: `step` makes one change every interval, one at a time (a slow step,
 * such as a webhook delivery, delays the next instead of piling up). Give it to startService as
 * the definition's `stream`: it serves the control route, starts with ServiceOptions.stream once
 * the service listens, and stops before the service does.
 */
export function changeStream(step: () => unknown, state: () => Record<string, unknown>): ChangeStream {
  let timer: NodeJS.Timeout | null = null;
  let busy = false;
  let streamed = 0;
  let current = 0;
  const set = (everyMs: number) => {
    if (timer) clearInterval(timer);
    timer = null;
    current = everyMs <= 0 ? 0 : Math.max(STREAM_MIN_MS, everyMs);
    if (current === 0) return;
    timer = setInterval(() => {
      if (busy) return;
      busy = true;
      streamed++;
      void Promise.resolve()
        .then(step)
        .catch((err: unknown) => console.error("[sandbox stream]", err))
        .finally(() => {
          busy = false;
        });
    }, current);
    timer.unref();
  };
  return {
    set,
    get streamed() {
      return streamed;
    },
    routes: [
      {
        method: "GET",
        path: "/_sandbox/stream",
        data: false,
        handle: () => jsonReply(200, { everyMs: current, streamed, ...state() }),
      },
      {
        method: "POST",
        path: "/_sandbox/stream",
        data: false,
        handle: async ({ json }) => {
          const body = ((await json()) ?? {}) as Record<string, unknown>;
          const everyMs = body.everyMs;
          if (
            typeof everyMs !== "number" ||
            !Number.isInteger(everyMs) ||
            everyMs < 0 ||
            everyMs > STREAM_MAX_MS
          )
            throw new ParamError(
              "everyMs",
              `everyMs must be an integer 0..${STREAM_MAX_MS} (0 stops the stream)`,
            );
          if (everyMs > 0 && everyMs < STREAM_MIN_MS)
            throw new ParamError("everyMs", `everyMs must be at least ${STREAM_MIN_MS}`);
          set(everyMs);
          return jsonReply(200, { everyMs, streamed, ...state() });
        },
      },
    ],
  };
}

// ---- HTTP ----

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

export function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
    body: JSON.stringify(value),
  };
}

export interface RequestInfo {
  req: IncomingMessage;
  url: URL;
  /** Capture groups of a RegExp route. */
  params: string[];
  /** The parsed JSON body of a POST (undefined when there is none). */
  json: () => Promise<unknown>;
}

export interface Route {
  method: "GET" | "POST";
  path: string | RegExp;
  /** Data endpoints get the injected faults; health and control endpoints do not. */
  data: boolean;
  handle(request: RequestInfo): Reply | Promise<Reply>;
}

export interface ServiceDefinition {
  name: ServiceName;
  seed: string;
  routes: Route[];
  /** The malformed 200 answer of the "garbage" fault, made from the real one. */
  corrupt(reply: Reply): Reply;
  /** The 500 answer of the "error500" fault, in the silo's own style. */
  serverError?(): Reply;
  /** Called after the server stopped. */
  onStop?(): void;
  /** The service's steady stream of new and changed records (changeStream), if it has one. */
  stream?: ChangeStream;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ParamError("body", `request body larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, reply: Reply): void {
  const body = typeof reply.body === "string" ? Buffer.from(reply.body, "utf8") : reply.body;
  res.writeHead(reply.status, { ...reply.headers, "content-length": String(body.length) });
  res.end(body);
}

const HEALTH_ROUTE: Route = {
  method: "GET",
  path: "/health",
  data: false,
  handle: () => jsonReply(200, { status: "UP" }),
};

/** Start one service: routes plus /health, /_sandbox/faults and (with a stream) /_sandbox/stream. */
export async function startService(
  def: ServiceDefinition,
  options: Pick<ServiceOptions, "host" | "port" | "stream">,
): Promise<RunningService> {
  const faults = new FaultInjector(def.seed, def.name);
  const faultRoutes: Route[] = [
    { method: "GET", path: "/_sandbox/faults", data: false, handle: () => jsonReply(200, faults.current) },
    {
      method: "POST",
      path: "/_sandbox/faults",
      data: false,
      handle: async (r) => jsonReply(200, faults.configure(await r.json())),
    },
  ];
  const routes = [HEALTH_ROUTE, ...faultRoutes, ...def.routes, ...(def.stream?.routes ?? [])];
  const serverError =
    def.serverError ?? (() => jsonReply(500, { error: "internal_error", message: "injected fault" }));

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://sandbox.invalid");
    const matching = routes
      .map((route) => {
        if (typeof route.path === "string") return route.path === url.pathname ? { route, params: [] } : null;
        const m = route.path.exec(url.pathname);
        return m ? { route, params: m.slice(1) } : null;
      })
      .filter((x) => x !== null);
    if (matching.length === 0) {
      send(res, jsonReply(404, { error: "not_found", message: `no endpoint ${url.pathname}` }));
      return;
    }
    const hit = matching.find((m) => m.route.method === req.method);
    if (!hit) {
      const allow = [...new Set(matching.map((m) => m.route.method))].join(", ");
      send(res, jsonReply(405, { error: "method_not_allowed", message: `use ${allow}` }, { allow }));
      return;
    }
    let bodyPromise: Promise<unknown> | null = null;
    const info: RequestInfo = {
      req,
      url,
      params: hit.params,
      json: () => {
        bodyPromise ??= readBody(req).then((buf) => {
          if (buf.length === 0) return undefined;
          try {
            return JSON.parse(buf.toString("utf8")) as unknown;
          } catch {
            throw new ParamError("body", "request body is not valid JSON");
          }
        });
        return bodyPromise;
      },
    };
    const fault = hit.route.data ? faults.next() : "none";
    if (fault === "timeout") return; // never answer: the client gives up; stop() closes the socket
    if (fault === "error500") {
      send(res, serverError());
      return;
    }
    let reply: Reply;
    try {
      reply = await hit.route.handle(info);
    } catch (err) {
      if (err instanceof ParamError) {
        reply = jsonReply(400, {
          error: "invalid_parameter",
          parameter: err.parameter,
          message: err.message,
        });
      } else {
        console.error(`[sandbox ${def.name}] ${req.method} ${url.pathname}:`, err);
        reply = jsonReply(500, { error: "internal_error", message: String(err) });
      }
    }
    send(res, fault === "garbage" && reply.status === 200 ? def.corrupt(reply) : reply);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error(`[sandbox ${def.name}]`, err);
      if (!res.headersSent) send(res, jsonReply(500, { error: "internal_error", message: String(err) }));
      else res.destroy();
    });
  });
  // Hanging requests (timeout fault) must not keep a finished server alive.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 1_000;
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  if (def.stream && options.stream) def.stream.set(options.stream.everyMs);
  let stopping: Promise<void> | null = null;
  return {
    name: def.name,
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    stop: () => {
      def.stream?.set(0);
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => def.onStop?.());
      return stopping;
    },
  };
}

// ---- garbage helpers ----

/** A JSON reply cut in half: never valid JSON (the closing brace is the last character). */
export function truncatedJson(reply: Reply): Reply {
  const text = typeof reply.body === "string" ? reply.body : reply.body.toString("utf8");
  return { ...reply, body: text.slice(0, Math.max(1, Math.floor(text.length / 2))) };
}

/** A deterministic shuffle (Fisher–Yates) keyed by a string. */
export function shuffled<T>(items: readonly T[], key: string): T[] {
  const out = [...items];
  const rng = new Rng(hashSeed(key));
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
