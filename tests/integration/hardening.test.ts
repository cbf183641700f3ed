// Hardening (issue 10, deliverable 5), each refusal beside its positive control: the operation
// limits count every alias and directive; an anonymous caller learns nothing of the schema.
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { citizenId, ingestDrafts, personDraft, workOrderDraft } from "../support/drafts.js";
import { startTestHub, TEST_JWT_SECRET, type TestHub, take } from "../support/hub.js";

let hub: TestHub;
let token: string;

beforeAll(async () => {
  hub = await startTestHub();
  token = await hub.token({ roles: ["city_commander"], areas: ["320600"] });
});
afterAll(() => hub?.stop());

type Errors = { message: string; extensions?: Record<string, unknown> }[];
const wsErrors = (query: string, params?: Record<string, unknown>) =>
  take(hub.wsClient(params), { query }).then(
    (results) => results[0]?.errors as Errors | undefined,
    (errors: unknown) => errors as Errors,
  );

describe("alias and directive limits (LIMIT_MAX_ALIASES, LIMIT_MAX_DIRECTIVES: 20)", () => {
  const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(" ")} }`;
  const unknownDirectives = `{ __typename ${Array.from({ length: 101 }, (_, i) => `@d${i}`).join(" ")} }`;
  const knownDirectives = (n: number) =>
    `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename @include(if: true)`).join(" ")} }`;

  it("refuses 101 aliased __typename selections, over HTTP and WebSocket", async () => {
    const r = await hub.gql(aliased(101), { token });
    expect(r.data ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: "OPERATION_LIMIT_EXCEEDED", limit: "aliases" });
    const ws = await wsErrors(aliased(101), { authorization: `Bearer ${token}` });
    expect(ws?.[0]?.extensions).toMatchObject({ code: "OPERATION_LIMIT_EXCEEDED", limit: "aliases" });
  });

  it("refuses 101 unknown directives with the limit's code first", async () => {
    const r = await hub.gql(unknownDirectives, { token });
    expect(r.data ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions).toMatchObject({
      code: "OPERATION_LIMIT_EXCEEDED",
      limit: "directives",
    });
    const ws = await wsErrors(unknownDirectives, { authorization: `Bearer ${token}` });
    expect(ws?.[0]?.extensions).toMatchObject({ code: "OPERATION_LIMIT_EXCEEDED", limit: "directives" });
  });

  it("answers 20 aliases, each with a directive (positive control)", async () => {
    const r = await hub.gql<Record<string, string>>(knownDirectives(20), { token });
    expect(r.errors).toBeUndefined();
    expect(Object.keys(r.data!)).toHaveLength(20);
    expect(r.data!.a19).toBe("Query");
  });
});

describe("schema privacy (INTROSPECTION=authenticated)", () => {
  const introspection = `{ __schema { queryType { name } } }`;
  const typo = `{ aree(code: "320600") { name } }`;

  it("refuses introspection to an anonymous caller, over HTTP and WebSocket", async () => {
    const r = await hub.gql(introspection);
    expect(r.data ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions).toMatchObject({ reason: "INTROSPECTION_DISABLED" });
    const typeQuery = await hub.gql(`{ __type(name: "Person") { fields { name } } }`);
    expect(typeQuery.data ?? null).toBeNull();
    const ws = await wsErrors(introspection);
    expect(ws?.[0]?.extensions).toMatchObject({ reason: "INTROSPECTION_DISABLED" });
  });

  it("answers introspection to an authenticated principal (positive control)", async () => {
    const r = await hub.gql<{ __schema: { queryType: { name: string } } }>(introspection, { token });
    expect(r.errors).toBeUndefined();
    expect(r.data?.__schema.queryType.name).toBe("Query");
    const [ws] = await take(hub.wsClient({ authorization: `Bearer ${token}` }), { query: introspection });
    expect(ws?.data).toEqual(r.data);
  });

  it("refuses a document to an anonymous caller that a principal's request validated before", async () => {
    // validation is remembered per document and rule set (gateway/plugins/validation-cache.ts):
    // the anonymous caller's set has the introspection rule, so the principal's outcome is not its
    const document = `{ __schema { mutationType { name } } }`;
    for (let i = 0; i < 2; i++) expect((await hub.gql(document, { token })).errors).toBeUndefined();
    const anonymous = await hub.gql(document);
    expect(anonymous.data ?? null).toBeNull();
    expect(anonymous.errors?.[0]?.extensions).toMatchObject({ reason: "INTROSPECTION_DISABLED" });
    expect((await hub.gql(document, { token })).errors).toBeUndefined();
  });

  it("strips “Did you mean” from an anonymous caller's errors, and keeps it for a principal", async () => {
    const anonymous = await hub.gql(typo);
    expect(anonymous.errors?.[0]?.message).toMatch(/Cannot query field "aree"/);
    expect(JSON.stringify(anonymous.errors)).not.toMatch(/Did you mean|"area"/);
    const ws = await wsErrors(typo);
    expect(ws?.[0]?.message).toMatch(/Cannot query field "aree"/);
    expect(JSON.stringify(ws)).not.toMatch(/Did you mean/);
    const principal = await hub.gql(typo, { token });
    expect(principal.errors?.[0]?.message).toMatch(/Did you mean "area"/);
  });
});

describe("text arguments are length-bounded (gateway/text-bounds.ts)", () => {
  it("refuses a 200 KB search text with BAD_USER_INPUT naming the argument", async () => {
    const r = await hub.gql(`query($t: String!) { search(text: $t) { matchedOn score } }`, {
      token,
      variables: { t: "张".repeat(200 * 1024) },
    });
    expect(r.errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      argument: "text",
      maxLength: 200,
    });
    expect(r.errors?.[0]?.message).toMatch(/argument "text" is longer than 200 characters \(204800\)/);
  });

  it("refuses a long text inside an input object, naming its path; a literal too", async () => {
    const long = "x".repeat(201);
    const r = await hub.gql(`query($f: PersonFilter) { persons(first: 1, filter: $f) { totalCount } }`, {
      token,
      variables: { f: { nameContains: long } },
    });
    expect(r.errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      argument: "filter.nameContains",
    });
    const literal = await hub.gql(`{ area(code: "${"3".repeat(300)}") { name } }`, { token });
    expect(literal.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "code" });
  });

  it("answers texts within the bound (positive control)", async () => {
    const r = await hub.gql<{ search: unknown[] }>(
      `query($t: String!) { search(text: $t) { matchedOn score } }`,
      {
        token,
        variables: { t: "张".repeat(200) },
      },
    );
    expect(r.errors).toBeUndefined();
    expect(Array.isArray(r.data?.search)).toBe(true);
    const area = await hub.gql<{ area: { name: string } }>(`{ area(code: "320600") { name } }`, { token });
    expect(area.data?.area.name).toBeTruthy();
  });
});

describe("wildcards in text filters match literally (resolvers/text.ts)", () => {
  let community: string;
  beforeAll(async () => {
    community = (
      await hub.db.area.findFirstOrThrow({ where: { level: "COMMUNITY" }, orderBy: { code: "asc" } })
    ).code;
    const people: [string, string, string][] = [
      ["W1", "张三", "32060219800101123"],
      ["W2", "张三丰", "32060219750505201"],
      ["W3", "李四", "32060219900707302"],
    ];
    await ingestDrafts(
      hub.db,
      "population",
      "public_security",
      people.map(([key, name, id]) => [
        key,
        [
          personDraft("person", {
            citizenId: citizenId(id),
            name,
            addresses: [
              { kind: "RESIDENT", text: `崇川区和平桥街道八一社区青年路${key}号`, areaCode: community },
            ],
          }),
          workOrderDraft(key, "person", community),
        ],
      ]),
    );
  });

  const persons = async (nameContains: string) => {
    const r = await hub.gql<{ persons: { totalCount: number } }>(
      `query($f: PersonFilter) { persons(first: 5, filter: $f) { totalCount } }`,
      { token, variables: { f: { nameContains } } },
    );
    expect(r.errors).toBeUndefined();
    return r.data!.persons.totalCount;
  };

  it("finds nothing with %, _ or a masked-name probe 张_ (no name holds them)", async () => {
    expect(await persons("%")).toBe(0);
    expect(await persons("_")).toBe(0);
    expect(await persons("张_")).toBe(0);
    expect(await persons("张%丰")).toBe(0);
    expect(await persons("\\")).toBe(0);
  });

  it("finds names by their literal text (positive control)", async () => {
    expect(await persons("张")).toBe(2);
    expect(await persons("三丰")).toBe(1);
  });

  it("escapes area names and address texts too", async () => {
    const areas = (t: string) =>
      hub.gql<{ areas: { totalCount: number } }>(
        `query($t: String) { areas(first: 1, nameContains: $t) { totalCount } }`,
        {
          token,
          variables: { t },
        },
      );
    expect((await areas("_")).data?.areas.totalCount).toBe(0);
    expect((await areas("崇川")).data?.areas.totalCount).toBeGreaterThan(0);
    const addresses = (t: string) =>
      hub.gql<{ addresses: { totalCount: number } }>(
        `query($t: String) { addresses(first: 1, filter: { textContains: $t }) { totalCount } }`,
        { token, variables: { t } },
      );
    expect((await addresses("青年路_")).data?.addresses.totalCount).toBe(0);
    expect((await addresses("青年路W")).data?.addresses.totalCount).toBe(3);
  });
});

describe("stewards act only inside their jurisdiction", () => {
  const global = (id: string) => Buffer.from(`Person:${id}`).toString("base64");
  const steward = (areas: string[]) =>
    hub.token({ roles: ["data_steward"], areas, purpose: "DATA_GOVERNANCE" });
  let inside: string; // a steward of the persons' community
  let outside: string; // a steward of another district
  let city: string;
  let zhangSan: string;
  let zhangSanFeng: string;
  let caller: string;

  beforeAll(async () => {
    // the wildcard section ingested 张三 and 张三丰 in the first community
    const community = await hub.db.area.findFirstOrThrow({
      where: { level: "COMMUNITY" },
      orderBy: { code: "asc" },
    });
    const districts = await hub.db.area.findMany({ where: { level: "DISTRICT" }, orderBy: { code: "asc" } });
    const other = districts.find((d) => !community.path.startsWith(d.path))!;
    inside = await steward([community.code]);
    outside = await steward([other.code]);
    city = await steward(["320600"]);
    // a 12345 caller known by name only: the registry's 张三, for a steward to decide
    await ingestDrafts(hub.db, "hotline", "hotline_12345", [
      ["T1", [personDraft("caller", { name: "张三" }), workOrderDraft("T1", "caller", community.code)]],
    ]);
    zhangSan = (await hub.db.person.findFirstOrThrow({ where: { name: "张三", citizenId: { not: null } } }))
      .id;
    caller = (await hub.db.person.findFirstOrThrow({ where: { name: "张三", citizenId: null } })).id;
    zhangSanFeng = (await hub.db.person.findFirstOrThrow({ where: { name: "张三丰" } })).id;
  });

  const merge = (token: string) =>
    hub.gql<{ mergePersons: { id: string } }>(
      `mutation($s: ID!, $m: ID!) { mergePersons(survivorId: $s, mergedId: $m, reason: "核实为同一人") { id } }`,
      { token, variables: { s: global(zhangSan), m: global(caller) } },
    );
  const unmerge = (token: string, id: string) =>
    hub.gql(`mutation($id: ID!) { unmergePersons(mergeId: $id, reason: "核实后拆分") { id } }`, {
      token,
      variables: { id },
    });

  it("refuses mergePersons and unmergePersons outside it; allows them inside (positive control)", async () => {
    const refused = await merge(outside);
    expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(await hub.db.merge.count()).toBe(0);
    const merged = await merge(inside);
    expect(merged.errors).toBeUndefined();
    const mergeId = merged.data!.mergePersons.id;
    const refusedUnmerge = await unmerge(outside, mergeId);
    expect(refusedUnmerge.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const unmerged = await unmerge(inside, mergeId);
    expect(unmerged.errors).toBeUndefined();
  });

  it("refuses decideMatch outside it; allows it inside (positive control)", async () => {
    const pair = await hub.db.matchCandidate.create({
      data: { entityType: "PERSON", entityId: zhangSanFeng, candidateId: zhangSan, score: 4, reasons: [] },
    });
    const decide = (token: string) =>
      hub.gql(
        `mutation($id: ID!) { decideMatch(id: $id, verdict: DISTINCT, reason: "不是同一人") { status } }`,
        {
          token,
          variables: { id: pair.id },
        },
      );
    expect((await decide(outside)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const decided = await decide(inside);
    expect(decided.errors).toBeUndefined();
    expect((await hub.db.matchCandidate.findUniqueOrThrow({ where: { id: pair.id } })).status).toBe(
      "DISTINCT",
    );
  });

  it("lets only a city-wide steward run the city-wide resolution pass", async () => {
    const refused = await hub.gql(`mutation { runResolutionPass { merged } }`, { token: inside });
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: "FORBIDDEN",
      reason: "JURISDICTION_NOT_CITY_WIDE",
    });
    expect(refused.errors?.[0]?.message).toMatch(/city-wide: it needs a jurisdiction covering 320600/);
    const ran = await hub.gql<{ runResolutionPass: { merged: number } }>(
      `mutation { runResolutionPass { merged } }`,
      {
        token: city,
      },
    );
    expect(ran.errors).toBeUndefined();
    expect(typeof ran.data?.runResolutionPass.merged).toBe("number");
  });
});

describe("tokens must carry exp (TOKEN_MAX_LIFETIME_SECONDS)", () => {
  const signed = (lifetimeSeconds: number | null) => {
    let jwt = new SignJWT({ roles: ["city_commander"], areas: ["320600"] })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("u1")
      .setIssuedAt();
    if (lifetimeSeconds !== null)
      jwt = jwt.setExpirationTime(Math.floor(Date.now() / 1000) + lifetimeSeconds);
    return jwt.sign(new TextEncoder().encode(TEST_JWT_SECRET));
  };

  it("refuses a token without exp, and one living longer than 12 hours, with 401 CLAIMS_INVALID", async () => {
    const none = await hub.gql(`{ __typename }`, { token: await signed(null) });
    expect(none.status).toBe(401);
    expect(none.errors?.[0]).toMatchObject({
      message: "token has no exp",
      extensions: { code: "UNAUTHENTICATED", reason: "CLAIMS_INVALID" },
    });
    const long = await hub.gql(`{ __typename }`, { token: await signed(13 * 3600) });
    expect(long.status).toBe(401);
    expect(long.errors?.[0]?.extensions).toMatchObject({ reason: "CLAIMS_INVALID" });
  });

  it("accepts a token that expires within the maximum (positive control)", async () => {
    const r = await hub.gql<{ __typename: string }>(`{ __typename }`, { token: await signed(3600) });
    expect(r.status).toBe(200);
    expect(r.data?.__typename).toBe("Query");
  });
});
