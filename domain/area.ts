// Administrative areas (行政区划) and grids (网格): the five-level hierarchy
// 市 → 区/县 → 街道/乡镇 → 社区/村 → 网格, and the code rules of GB/T 2260 and the statistical
// division code. Pure: no I/O.

export const AREA_LEVELS = ["CITY", "DISTRICT", "STREET", "COMMUNITY", "GRID"] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

/** How each level's code is written, as data: length and how a code's digits are read. */
export const AREA_LEVEL_RULES: Record<
  AreaLevel,
  { depth: number; codeLength: number; label: string; description: string }
> = {
  CITY: {
    depth: 0,
    codeLength: 6,
    label: "市",
    description: "prefecture-level city (GB/T 2260, ends in 00)",
  },
  DISTRICT: { depth: 1, codeLength: 6, label: "区/县", description: "district or county (GB/T 2260)" },
  STREET: {
    depth: 2,
    codeLength: 12,
    label: "街道/乡镇",
    description: "street or township: county code + 3 digits (001–099 街道, 100–199 镇, 200–399 乡) + 000",
  },
  COMMUNITY: {
    depth: 3,
    codeLength: 12,
    label: "社区/村",
    description: "community or village: township's 9 digits + 3 (0xx–1xx 居委会, 2xx–3xx 村委会)",
  },
  GRID: {
    depth: 4,
    codeLength: 15,
    label: "网格",
    description: "grid: community code + 3-digit grid number",
  },
};

export type DivisionCodeProblem =
  | { reason: "NOT_DIGITS"; detail: string }
  | { reason: "BAD_LENGTH"; detail: string }
  | { reason: "NOT_A_CHILD"; detail: string }
  | { reason: "OUT_OF_RANGE"; detail: string };

/** The kind of township or community a statistical code denotes (统计用区划代码 ranges). */
export function townshipKind(code12: string): "街道" | "镇" | "乡" | null {
  const n = Number(code12.slice(6, 9));
  if (n >= 1 && n <= 99) return "街道";
  if (n >= 100 && n <= 199) return "镇";
  if (n >= 200 && n <= 399) return "乡";
  return null;
}

export function communityKind(code12: string): "居委会" | "村委会" | null {
  const n = Number(code12.slice(9, 12));
  if (n >= 1 && n <= 199) return "居委会";
  if (n >= 200 && n <= 399) return "村委会";
  return null;
}

/**
 * Check that `code` is a well-formed code for `level` under `parentCode`.
 * Returns null when it is valid, otherwise the first problem found.
 */
export function checkAreaCode(
  level: AreaLevel,
  code: string,
  parentCode: string | null,
): DivisionCodeProblem | null {
  const rule = AREA_LEVEL_RULES[level];
  if (!/^\d+$/.test(code)) return { reason: "NOT_DIGITS", detail: `code "${code}" must be digits only` };
  if (code.length !== rule.codeLength)
    return {
      reason: "BAD_LENGTH",
      detail: `a ${level} code has ${rule.codeLength} digits, "${code}" has ${code.length}`,
    };
  switch (level) {
    case "CITY":
      if (!code.endsWith("00") || code.endsWith("0000"))
        return { reason: "OUT_OF_RANGE", detail: `city code "${code}" must end in 00 and not 0000` };
      return null;
    case "DISTRICT":
      if (code.endsWith("00"))
        return { reason: "OUT_OF_RANGE", detail: `district code "${code}" must not end in 00` };
      if (parentCode && code.slice(0, 4) !== parentCode.slice(0, 4))
        return { reason: "NOT_A_CHILD", detail: `district "${code}" is not in city "${parentCode}"` };
      return null;
    case "STREET":
      if (parentCode && code.slice(0, 6) !== parentCode)
        return { reason: "NOT_A_CHILD", detail: `township "${code}" is not in county "${parentCode}"` };
      if (!code.endsWith("000") || townshipKind(code) === null)
        return { reason: "OUT_OF_RANGE", detail: `township code "${code}" must be county + 001–399 + 000` };
      return null;
    case "COMMUNITY":
      if (parentCode && code.slice(0, 9) !== parentCode.slice(0, 9))
        return { reason: "NOT_A_CHILD", detail: `community "${code}" is not in township "${parentCode}"` };
      if (communityKind(code) === null)
        return { reason: "OUT_OF_RANGE", detail: `community code "${code}" must end in 001–399` };
      return null;
    case "GRID":
      if (parentCode && code.slice(0, 12) !== parentCode)
        return { reason: "NOT_A_CHILD", detail: `grid "${code}" is not in community "${parentCode}"` };
      if (code.endsWith("000"))
        return { reason: "OUT_OF_RANGE", detail: `grid number in "${code}" must be 001–999` };
      return null;
  }
}

/**
 * Normalise a user-typed area code: strips spaces and accepts a county or city written in its
 * 12-digit statistical form (320602000000 → 320602).
 */
export function normaliseAreaCode(input: string): string {
  const code = input
    .replace(/[\s\u3000]/g, "")
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  if (code.length === 12 && code.endsWith("000000")) return code.slice(0, 6);
  return code;
}

/** Materialised path: codes from the root down, separated and terminated by "/", e.g. "/320600/320602/". */
export function childPath(parentPath: string | null, code: string): string {
  return `${parentPath ?? "/"}${code}/`;
}

export function pathCodes(path: string): string[] {
  return path.split("/").filter(Boolean);
}

/** True when `path` lies in the subtree rooted at `rootPath` (inclusive). */
export function isInSubtree(path: string, rootPath: string): boolean {
  return path.startsWith(rootPath);
}
