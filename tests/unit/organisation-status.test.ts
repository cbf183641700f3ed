// Registry wording → the organisation status enum, and the civil-affairs register's facts
// (date, authority, status) mapped from its rows.
import { describe, expect, it } from "vitest";
import type { JsonValue } from "../../connectors/contract.js";
import { mapCivilAffairs } from "../../connectors/departments/civil-affairs/map.js";
import { organisationStatusOf } from "../../domain/organisation-status.js";

describe("organisation status", () => {
  it.each([
    ["存续", "ACTIVE"],
    ["存续（在营、开业、在册）", "ACTIVE"],
    ["在业", "ACTIVE"],
    ["正常", "ACTIVE"],
    ["注销", "DEREGISTERED"],
    ["吊销，未注销", "REVOKED"],
    ["撤销", "REVOKED"],
    ["迁出", "MOVED_OUT"],
    ["MOVED_OUT", "MOVED_OUT"],
    ["停业整顿", null],
    ["", null],
  ])("%s → %s", (wording, status) => {
    expect(organisationStatusOf(wording)).toBe(status);
  });

  it("the civil-affairs register row gives the registration date, authority and status", () => {
    const row = {
      统一社会信用代码: "51320602MJ1234567X",
      社会组织名称: "南通市崇川区和顺养老服务中心",
      社会组织类型: "民办非企业单位",
      法定代表人: "吴正",
      联系电话: "0513-85001234",
      住所: "崇川区和平桥街道青年路1号",
      登记管理机关: "南通市崇川区民政局",
      成立登记日期: "2012/5/7",
      登记状态: "撤销",
    };
    const out = mapCivilAffairs({
      sourceKey: "socialOrganisations:51320602MJ1234567X",
      payload: { dataset: "socialOrganisations", record: row } as unknown as JsonValue,
    });
    expect(out.ok).toBe(true);
    const org = out.ok ? out.drafts.find((d) => d.element === "ORGANISATION") : undefined;
    expect(org).toMatchObject({
      registeredOn: "2012-05-07",
      registeringAuthority: "南通市崇川区民政局",
      status: "REVOKED",
    });
  });
});
