// A name-only mention against the registered holders of its role at its organisation
// (domain/resolution/same-role.ts).
import { describe, expect, it } from "vitest";
import { sameRoleMatch } from "../../../domain/resolution/same-role.js";
import { profile } from "./profile.js";

const holder = (id: string, name: string, extra = {}) => ({
  id,
  profile: profile({
    citizenId: `32060219800101${id.padStart(4, "0")}`,
    name,
    sex: "MALE",
    birthDate: "1980-01-01",
    ...extra,
  }),
});

describe("same role at the same organisation", () => {
  it("links the one holder of the same name", () => {
    const m = sameRoleMatch(profile({ name: "钱有才" }), [holder("1", "钱有才"), holder("2", "孙立")]);
    expect(m).toMatchObject({ candidateId: "1", decision: "LINK" });
    expect(m!.reasons[0]).toMatchObject({ feature: "sameRole" });
  });

  it("queues a near name (homophone, form of address) for review", () => {
    expect(sameRoleMatch(profile({ name: "钱友才" }), [holder("1", "钱有才")])).toMatchObject({
      candidateId: "1",
      decision: "REVIEW",
    });
    expect(sameRoleMatch(profile({ name: "钱先生" }), [holder("1", "钱有才")])).toMatchObject({
      decision: "REVIEW",
    });
  });

  it("queues two holders of the name, the first by citizen ID, rather than choosing", () => {
    expect(
      sameRoleMatch(profile({ name: "钱有才" }), [holder("2", "钱有才"), holder("1", "钱有才")]),
    ).toMatchObject({
      candidateId: "1",
      decision: "REVIEW",
    });
  });

  it("queues the same name when the birth date or sex disagree", () => {
    const m = sameRoleMatch(profile({ name: "钱有才", birthDate: "1990-02-02" }), [holder("1", "钱有才")]);
    expect(m?.decision).toBe("REVIEW");
    expect(sameRoleMatch(profile({ name: "钱有才", sex: "FEMALE" }), [holder("1", "钱有才")])?.decision).toBe(
      "REVIEW",
    );
  });

  it("leaves a different name alone", () => {
    expect(sameRoleMatch(profile({ name: "赵大海" }), [holder("1", "钱有才")])).toBeNull();
    expect(sameRoleMatch(profile({ name: "钱有才" }), [])).toBeNull();
  });
});
