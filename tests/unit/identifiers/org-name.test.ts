import { describe, expect, it } from "vitest";
import { organisationNameKey, organisationNameParts } from "../../../domain/identifiers/org-name.js";

const CITY = ["南通市"];

describe("organisation name keys", () => {
  it.each([
    ["南通市崇川区顺达物流有限公司", "崇川区顺达物流公司"],
    ["崇川区顺达物流公司", "崇川区顺达物流公司"],
    ["南通顺达物流有限公司", "顺达物流公司"],
    ["江苏顺达物流有限公司", "顺达物流公司"],
    ["江苏省顺达物流有限责任公司", "顺达物流公司"],
    ["南通市 崇川区 顺达物流（集团）有限公司", "崇川区顺达物流(集团)公司"],
    ["南通通达股份有限公司", "通达股份公司"],
  ])("%s → %s", (name, key) => expect(organisationNameKey(name, CITY)).toBe(key));

  it("keeps a name that is nothing but the prefix", () => {
    expect(organisationNameKey("南通市", CITY)).toBe("南通市");
  });
  it("tells different companies apart", () => {
    expect(organisationNameKey("南通市崇川区顺达物流有限公司", CITY)).not.toBe(
      organisationNameKey("南通市港闸区顺达物流有限公司", CITY),
    );
  });
  it("tells which place a prefix named, whichever way it was written", () => {
    expect(organisationNameParts("南通市恒通建材有限公司", CITY)).toEqual({
      spelled: "南通市恒通建材有限公司",
      key: "恒通建材公司",
      prefix: "南通",
    });
    expect(organisationNameParts("南通恒通建材有限公司", CITY).prefix).toBe("南通");
    expect(organisationNameParts("江苏省恒通建材有限公司", CITY).prefix).toBe("江苏");
    expect(organisationNameParts("恒通建材公司", CITY).prefix).toBeNull();
    expect(organisationNameParts("恒通建材（南通）公司 ", CITY).spelled).toBe("恒通建材(南通)公司");
  });
});
