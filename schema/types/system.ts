// The caller and the hub itself: who am I, and is the link to the hub alive.
import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import type { Principal } from "../../domain/principal.js";
import { ROLES } from "../../domain/roles.js";
import type { AreaRow } from "../../resolvers/areas.js";
import { builder } from "../builder.js";
import { AreaNode } from "./area.js";

const Me = builder.objectRef<Principal>("Principal").implement({
  description: "The principal the request's token identifies.",
  fields: (t) => ({
    subject: t.exposeString("subject", { description: "Token subject (user or service id)." }),
    roles: t.stringList({
      description: "Roles carried by the token.",
      resolve: (p) => [...p.roles],
    }),
    roleLabels: t.stringList({
      description: "The roles' Chinese labels, for display.",
      resolve: (p) => p.roles.map((r) => ROLES[r].label),
    }),
    department: t.exposeString("department", {
      nullable: true,
      description: "Department the principal acts for.",
    }),
    purpose: t.exposeString("purpose", { nullable: true, description: "Declared purpose of processing." }),
    jurisdiction: t.field({
      type: [AreaNode],
      description: "The areas the principal may act in; each covers its subtree.",
      resolve: async (p, _args, ctx) => {
        const areas = await ctx.loaders.areaByCode.loadMany([...p.jurisdiction]);
        return areas.filter((a): a is AreaRow => a !== null && !(a instanceof Error));
      },
    }),
  }),
});

builder.queryFields((t) => ({
  me: t.field({
    type: Me,
    authScopes: { authenticated: true },
    description: "Who the hub thinks you are.",
    resolve: (_root, _args, ctx) => ctx.principal,
  }),
}));

interface HeartbeatShape {
  at: Date;
  databaseReady: boolean;
  instance: string;
}

const Heartbeat = builder.objectRef<HeartbeatShape>("Heartbeat").implement({
  description: "A periodic sign of life, for command-centre screens to detect a broken link.",
  fields: (t) => ({
    at: t.expose("at", { type: "DateTime", description: "When the hub sent it." }),
    databaseReady: t.exposeBoolean("databaseReady", {
      description: "Whether the hub could reach its database.",
    }),
    instance: t.exposeString("instance", { description: "Which hub instance answered (host name and pid)." }),
  }),
});

const INSTANCE = `${os.hostname()}:${process.pid}`;

builder.subscriptionFields((t) => ({
  heartbeat: t.field({
    type: Heartbeat,
    authScopes: { authenticated: true },
    description: "Sends a heartbeat at once and then every `everySeconds` (1–300) seconds.",
    args: { everySeconds: t.arg.int({ defaultValue: 10, description: "Interval in seconds, 1–300." }) },
    subscribe: async function* (_root, args, ctx) {
      const every = Math.min(Math.max(args.everySeconds ?? 10, 1), 300) * 1000;
      while (true) {
        const databaseReady = await ctx.db.$queryRaw`SELECT 1`.then(
          () => true,
          () => false,
        );
        yield { at: new Date(), databaseReady, instance: INSTANCE };
        await sleep(every, undefined, { ref: false }); // never holds up shutdown
      }
    },
    resolve: (beat) => beat,
  }),
}));
