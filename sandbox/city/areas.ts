// The demo city's area tree: Nantong (南通市, 320600) with its real county-level divisions and
// township names. Township and community numbers follow the statistical-code ranges (001–099
// streets, 100–199 towns; 0xx–1xx residents' committees, 2xx–3xx villages); grids are numbered
// inside each community. Deterministic: the same tree every time, so tests and the sandbox
// department systems (which place people and events in it) agree.
import { type AreaLevel, childPath } from "../../domain/area.js";

export interface DemoArea {
  code: string;
  name: string;
  level: AreaLevel;
  parentCode: string | null;
  path: string;
}

interface CountySpec {
  code: string;
  name: string;
  streets: string[]; // 街道
  towns: string[]; // 镇
}

export const DEMO_CITY = { code: "320600", name: "南通市" } as const;

export const DEMO_COUNTIES: readonly CountySpec[] = [
  {
    code: "320602",
    name: "崇川区",
    streets: [
      "城东街道",
      "和平桥街道",
      "任港街道",
      "新城桥街道",
      "虹桥街道",
      "学田街道",
      "钟秀街道",
      "文峰街道",
    ],
    towns: [],
  },
  {
    code: "320612",
    name: "通州区",
    streets: ["金沙街道", "金新街道", "先锋街道"],
    towns: ["西亭镇", "平潮镇", "石港镇"],
  },
  {
    code: "320614",
    name: "海门区",
    streets: ["海门街道", "三厂街道", "滨江街道"],
    towns: ["常乐镇", "悦来镇"],
  },
  {
    code: "320623",
    name: "如东县",
    streets: ["掘港街道", "城中街道"],
    towns: ["栟茶镇", "洋口镇", "长沙镇"],
  },
  { code: "320681", name: "启东市", streets: [], towns: ["汇龙镇", "南阳镇", "北新镇", "吕四港镇"] },
  { code: "320682", name: "如皋市", streets: ["如城街道"], towns: ["白蒲镇", "长江镇", "九华镇"] },
  { code: "320685", name: "海安市", streets: ["海安街道"], towns: ["曲塘镇", "李堡镇", "角斜镇"] },
];

// Name stems for residents' committees (社区) and villages (村).
const COMMUNITY_STEMS = [
  "友谊",
  "和平",
  "新华",
  "育才",
  "北濠",
  "桃园",
  "文峰",
  "永兴",
  "城港",
  "紫琅",
  "朝晖",
  "春晖",
];
const VILLAGE_STEMS = [
  "新民",
  "东兴",
  "三和",
  "永丰",
  "光明",
  "红星",
  "民主",
  "跃进",
  "建设",
  "新桥",
  "团结",
  "双桥",
];
const GRID_NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

const pad3 = (n: number) => String(n).padStart(3, "0");

/** Communities per township and grids per community vary a little, deterministically. */
const communitiesIn = (townshipIndex: number) => 3 + (townshipIndex % 3);
const gridsIn = (communityIndex: number) => 3 + (communityIndex % 4);

export function buildDemoAreaTree(): DemoArea[] {
  const out: DemoArea[] = [];
  const cityPath = childPath(null, DEMO_CITY.code);
  out.push({ code: DEMO_CITY.code, name: DEMO_CITY.name, level: "CITY", parentCode: null, path: cityPath });
  let townshipCounter = 0;
  for (const county of DEMO_COUNTIES) {
    const countyPath = childPath(cityPath, county.code);
    out.push({
      code: county.code,
      name: county.name,
      level: "DISTRICT",
      parentCode: DEMO_CITY.code,
      path: countyPath,
    });
    const townships = [
      ...county.streets.map((name, i) => ({ name, number: 1 + i, urban: true })),
      ...county.towns.map((name, i) => ({ name, number: 100 + i, urban: false })),
    ];
    for (const township of townships) {
      const tIndex = townshipCounter++;
      const code = `${county.code}${pad3(township.number)}000`;
      const tPath = childPath(countyPath, code);
      out.push({ code, name: township.name, level: "STREET", parentCode: county.code, path: tPath });
      const stems = township.urban ? COMMUNITY_STEMS : VILLAGE_STEMS;
      for (let c = 0; c < communitiesIn(tIndex); c++) {
        const stem = stems[(tIndex * 5 + c) % stems.length]!;
        const communityNumber = township.urban ? 1 + c : 200 + c;
        const cCode = `${code.slice(0, 9)}${pad3(communityNumber)}`;
        const cName = township.urban ? `${stem}社区` : `${stem}村`;
        const cPath = childPath(tPath, cCode);
        out.push({ code: cCode, name: cName, level: "COMMUNITY", parentCode: code, path: cPath });
        for (let g = 1; g <= gridsIn(tIndex + c); g++) {
          const gCode = `${cCode}${pad3(g)}`;
          out.push({
            code: gCode,
            name: `${cName}第${GRID_NUMERALS[g - 1]}网格`,
            level: "GRID",
            parentCode: cCode,
            path: childPath(cPath, gCode),
          });
        }
      }
    }
  }
  return out;
}
