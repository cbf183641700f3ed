// Synchronous JSONata evaluation, so a declarative connector's map() can be the contract's
// synchronous map() and still be correct for ANY record it is handed.
//
// The problem: jsonata 2 evaluates only asynchronously (evaluate() returns a Promise; there is no
// synchronous entry point), while Connector.map(record) must return its MappingOutcome at once.
// Pre-evaluating in sync() and caching outcomes for map() would work for records sync() fetched
// and nothing else: a webhook delivery, a record replayed from quarantine, a cache eviction or a
// restart between sync() and map() would all get a "not pre-evaluated" problem.
//
// The way out: evaluate in a worker thread and block the calling thread until it answers.
//   - one evaluator thread per process, started on first use, unref'd (never keeps node alive);
//   - map() posts { expression, input, bindings } on a MessagePort, then Atomics.wait()s on a
//     shared Int32 flag; the worker runs the (async) evaluation, posts the reply and sets +
//     notifies the flag; map() wakes and takes the reply with receiveMessageOnPort() — all
//     synchronous on the caller's side, no event-loop turn needed;
//   - the worker compiles each expression once (cache keyed by the expression text) with
//     JSONata's own guardrails (evaluation timeout, stack depth, sequence length), and turns the
//     result into plain JSON before it crosses the thread boundary (a function or a non-finite
//     number in the output is an evaluation error, not a clone failure);
//   - a hard deadline on the wait covers what JSONata's guardrails cannot interrupt (a
//     catastrophic regex, a crashed thread): the worker is terminated, a fresh one started on the
//     next call, and the record gets an evaluation error.
// Cost: one thread hop per record (tens of microseconds, measured ~60 µs) on top of the
// evaluation itself, which blocks the caller exactly as a synchronous evaluator would.
import { createRequire } from "node:module";
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { JsonValue } from "../contract.js";

export interface EvaluationLimits {
  /** JSONata's own evaluation timeout (checked between evaluation steps). */
  timeoutMs: number;
  /** JSONata's maximum evaluation depth (deep / runaway recursion). */
  stackDepth: number;
  /** Longest sequence an evaluation may build. */
  sequenceLength: number;
}

export const EVALUATION_LIMITS: Readonly<EvaluationLimits> = {
  timeoutMs: 1_000,
  stackDepth: 500,
  sequenceLength: 100_000,
};

/** Beyond JSONata's own timeout, how long map() waits before it gives the evaluator thread up. */
const GRACE_MS = 5_000;
/** The first call also waits for the thread to start and load jsonata. */
const BOOT_MS = 20_000;
const COMPILED_CACHE = 256;

/** Why an evaluation failed: JSONata's error code, message, and where in the expression. */
export interface EvaluationFailure {
  /** JSONata's code (D3030, T2001 …), or TIMEOUT / NON_JSON / EVALUATOR for the runtime's own. */
  code: string;
  message: string;
  position: number | null;
  token: string | null;
}

export type Evaluation = { ok: true; value: JsonValue | undefined } | { ok: false; error: EvaluationFailure };

// The worker, as CommonJS source (eval'd: it runs the same whether the host runs .ts through tsx,
// vitest or compiled output). jsonata comes from this package's own node_modules.
const WORKER_SOURCE = `
"use strict";
const { workerData } = require("node:worker_threads");
const jsonata = require(workerData.jsonataPath);
const { port, flag, limits, cacheSize } = workerData;
const compiled = new Map();

function compile(expression) {
  let expr = compiled.get(expression);
  if (expr === undefined) {
    expr = jsonata(expression, {
      timeout: limits.timeoutMs,
      stack: limits.stackDepth,
      sequence: limits.sequenceLength,
    });
    if (compiled.size >= cacheSize) compiled.delete(compiled.keys().next().value);
    compiled.set(expression, expr);
  }
  return expr;
}

class NonJson extends Error {}

// JSONata's result as plain JSON: sequences become arrays, undefined entries drop out (as in
// JSON.stringify), functions and non-finite numbers are errors naming where they are.
function toJson(value, path, depth) {
  if (depth > 200) throw new NonJson(path + ": nested more than 200 levels deep");
  if (value === undefined || value === null) return value;
  const t = typeof value;
  if (t === "string" || t === "boolean") return value;
  if (t === "number") {
    if (!Number.isFinite(value)) throw new NonJson(path + ": " + value + " is not a JSON number");
    return value;
  }
  if (t === "function" || (t === "object" && (value._jsonata_lambda || value._jsonata_function)))
    throw new NonJson(path + ": the mapping produced a function, not a value");
  if (Array.isArray(value)) {
    const out = [];
    for (let i = 0; i < value.length; i++) {
      const v = toJson(value[i], path + "[" + i + "]", depth + 1);
      if (v !== undefined) out.push(v);
    }
    return out;
  }
  if (t === "object") {
    const out = {};
    for (const key of Object.keys(value)) {
      const v = toJson(value[key], path + "." + key, depth + 1);
      if (v !== undefined) out[key] = v;
    }
    return out;
  }
  throw new NonJson(path + ": a " + t + " is not a JSON value");
}

function failure(e) {
  if (e instanceof NonJson) return { code: "NON_JSON", message: e.message, position: null, token: null };
  const err = e !== null && typeof e === "object" ? e : { message: String(e) };
  return {
    code: typeof err.code === "string" ? err.code : "EVALUATOR",
    message: typeof err.message === "string" && err.message !== "" ? err.message : String(e),
    position: typeof err.position === "number" ? err.position : null,
    token: typeof err.token === "string" ? err.token : null,
  };
}

function reply(message) {
  try {
    port.postMessage(message);
  } catch (e) {
    port.postMessage({ id: message.id, ok: false, error: failure(e) });
  }
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

port.on("message", async (request) => {
  try {
    const value = await compile(request.expression).evaluate(request.input, request.bindings);
    const json = toJson(value, "result", 0);
    reply({ id: request.id, ok: true, json: json === undefined ? null : JSON.stringify(json) });
  } catch (e) {
    reply({ id: request.id, ok: false, error: failure(e) });
  }
});
`;

const require = createRequire(import.meta.url);

interface Thread {
  worker: Worker;
  port: MessagePort;
  flag: Int32Array;
  booted: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object";

function readFailure(v: unknown): EvaluationFailure {
  const e = isRecord(v) ? v : {};
  return {
    code: typeof e.code === "string" ? e.code : "EVALUATOR",
    message: typeof e.message === "string" ? e.message : "evaluation failed",
    position: typeof e.position === "number" ? e.position : null,
    token: typeof e.token === "string" ? e.token : null,
  };
}

export interface SynchronousEvaluator {
  evaluate(expression: string, input: JsonValue, bindings?: Record<string, JsonValue>): Evaluation;
  close(): Promise<void>;
}

class ThreadEvaluator implements SynchronousEvaluator {
  private thread: Thread | null = null;
  private nextId = 0;

  constructor(
    private readonly limits: EvaluationLimits,
    private readonly graceMs: number,
  ) {}

  private start(): Thread {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const channel = new MessageChannel();
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        jsonataPath: require.resolve("jsonata"),
        port: channel.port2,
        flag,
        limits: this.limits,
        cacheSize: COMPILED_CACHE,
      },
      transferList: [channel.port2],
    });
    worker.unref();
    channel.port1.unref();
    const thread: Thread = { worker, port: channel.port1, flag, booted: false };
    // a thread that died between calls is replaced on the next call, not waited for (one that
    // dies during a call shows as a missed deadline); its error must not crash the host
    worker.on("error", () => {});
    worker.on("exit", () => {
      if (this.thread === thread) this.thread = null;
    });
    return thread;
  }

  private stop(): void {
    const t = this.thread;
    this.thread = null;
    if (t) {
      t.port.close();
      void t.worker.terminate();
    }
  }

  evaluate(expression: string, input: JsonValue, bindings: Record<string, JsonValue> = {}): Evaluation {
    this.thread ??= this.start();
    const t = this.thread;
    const id = ++this.nextId;
    Atomics.store(t.flag, 0, 0);
    try {
      t.port.postMessage({ id, expression, input, bindings });
    } catch (e) {
      return { ok: false, error: { ...readFailure(e), code: "EVALUATOR" } };
    }
    const budget = this.limits.timeoutMs + this.graceMs + (t.booted ? 0 : BOOT_MS);
    const deadline = Date.now() + budget;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(t.flag, 0, 0, left) === "timed-out") {
        this.stop();
        return {
          ok: false,
          error: {
            code: "TIMEOUT",
            message: `evaluation did not finish within ${budget} ms (the evaluator was restarted)`,
            position: null,
            token: null,
          },
        };
      }
      const received = receiveMessageOnPort(t.port);
      if (received === undefined) continue; // woken before the reply is visible: wait again
      const reply: unknown = received.message;
      if (!isRecord(reply) || reply.id !== id) {
        // a reply to some other request can only mean the protocol broke: start afresh
        this.stop();
        return {
          ok: false,
          error: {
            code: "EVALUATOR",
            message: "the evaluator answered out of turn",
            position: null,
            token: null,
          },
        };
      }
      t.booted = true;
      if (reply.ok === true) {
        const json = reply.json;
        return { ok: true, value: typeof json === "string" ? (JSON.parse(json) as JsonValue) : undefined };
      }
      return { ok: false, error: readFailure(reply.error) };
    }
  }

  async close(): Promise<void> {
    const t = this.thread;
    this.thread = null;
    if (t) {
      t.port.close();
      await t.worker.terminate();
    }
  }
}

/**
 * An evaluator with its own thread (the connectors share one, see evaluateSync): `limits` for
 * JSONata's guardrails, `graceMs` for how much longer than JSONata's timeout a call may block.
 */
export function createEvaluator(
  options: Partial<EvaluationLimits> & { graceMs?: number } = {},
): SynchronousEvaluator {
  const { graceMs = GRACE_MS, ...limits } = options;
  return new ThreadEvaluator({ ...EVALUATION_LIMITS, ...limits }, graceMs);
}

let shared: SynchronousEvaluator | null = null;

/**
 * Evaluate a JSONata expression against `input` with `bindings` (names without the $), blocking
 * until the result is there. Never throws: a JSONata error, a runaway evaluation or an output
 * that is not JSON comes back as { ok: false, error }.
 */
export function evaluateSync(
  expression: string,
  input: JsonValue,
  bindings: Record<string, JsonValue> = {},
): Evaluation {
  shared ??= createEvaluator();
  return shared.evaluate(expression, input, bindings);
}

/** Stop the evaluator thread (a later evaluation starts a new one). For orderly shutdown and tests. */
export async function closeEvaluator(): Promise<void> {
  const s = shared;
  shared = null;
  if (s) await s.close();
}
