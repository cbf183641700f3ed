// Code tables and category lists, declared once as data. Codes follow the national standards where
// one exists (GB/T 2261.1 sex, GB 3304 ethnicity); local categories (110 警情类别, 12345 诉求类型,
// 信访 问题分类 ...) follow common practice and would be configuration in a real deployment.

/** 性别代码 XBDM (GB/T 2261.1-2003). Only 1 and 2 are generated. */
export const SEX_CODES = { "0": "未知的性别", "1": "男", "2": "女", "9": "未说明的性别" } as const;
export type Sex = 1 | 2;

/** Name style used to write a person's name for an ethnicity. */
export type NameStyle = "han" | "dot" | "tibetan" | "mongolian";

export interface EthnicityCode {
  code: string; // MZDM, GB 3304-1991
  name: string;
  /** Share of this city's population (a coastal Han-majority city: minorities are rare). */
  weight: number;
  nameStyle: NameStyle;
}

/** 民族代码 MZDM (GB 3304), a realistic subset for a Jiangsu city. */
export const ETHNICITIES: readonly EthnicityCode[] = [
  { code: "01", name: "汉族", weight: 985, nameStyle: "han" },
  { code: "02", name: "蒙古族", weight: 1, nameStyle: "mongolian" },
  { code: "03", name: "回族", weight: 4, nameStyle: "han" },
  { code: "04", name: "藏族", weight: 0.6, nameStyle: "tibetan" },
  { code: "05", name: "维吾尔族", weight: 0.9, nameStyle: "dot" },
  { code: "06", name: "苗族", weight: 1.2, nameStyle: "han" },
  { code: "07", name: "彝族", weight: 0.5, nameStyle: "han" },
  { code: "08", name: "壮族", weight: 1.5, nameStyle: "han" },
  { code: "09", name: "布依族", weight: 0.4, nameStyle: "han" },
  { code: "10", name: "朝鲜族", weight: 0.5, nameStyle: "han" },
  { code: "11", name: "满族", weight: 2, nameStyle: "han" },
  { code: "12", name: "侗族", weight: 0.4, nameStyle: "han" },
  { code: "14", name: "白族", weight: 0.3, nameStyle: "han" },
  { code: "15", name: "土家族", weight: 1.5, nameStyle: "han" },
  { code: "17", name: "哈萨克族", weight: 0.2, nameStyle: "dot" },
];

export const HAN = "01";

export function ethnicityByCode(code: string): EthnicityCode {
  const e = ETHNICITIES.find((x) => x.code === code);
  if (!e) throw new Error(`unknown ethnicity code ${code}`);
  return e;
}

/** 人员类别 RYLB, the population registry's residence category. */
export const RESIDENCE_CATEGORIES = ["户籍人口", "常住人口", "流动人口"] as const;
export type ResidenceCategory = (typeof RESIDENCE_CATEGORIES)[number];

/** 与户主关系: relation to the head of household. */
export const RELATIONS = ["户主", "配偶", "子", "女", "父亲", "母亲", "孙子", "孙女"] as const;
export type Relation = (typeof RELATIONS)[number];

// ---- public security: 110 警情类别 JQLB ----

export interface IncidentCategory {
  code: string;
  name: string;
  weight: number;
  /** Handled by police? 非警务警情 are transferred to 12345 or other departments. */
  police: boolean;
  templates: readonly string[];
}

export const INCIDENT_CATEGORIES: readonly IncidentCategory[] = [
  {
    code: "01",
    name: "刑事警情",
    weight: 8,
    police: true,
    templates: [
      "报警人称在{place}电瓶车被盗。",
      "报警人称家中被盗，门锁有撬痕。",
      "报警人称在{place}被人骗走现金。",
    ],
  },
  {
    code: "02",
    name: "治安警情",
    weight: 20,
    police: true,
    templates: [
      "报警人称在{place}有人打架。",
      "报警人称{place}有人酒后滋事。",
      "报警人称{place}有人聚众赌博。",
    ],
  },
  {
    code: "03",
    name: "交通警情",
    weight: 18,
    police: true,
    templates: ["报警人称在{place}发生两车相撞事故，无人受伤。", "报警人称在{place}电动车与行人相撞。"],
  },
  { code: "04", name: "火灾警情", weight: 2, police: true, templates: ["报警人称{place}冒烟起火。"] },
  {
    code: "05",
    name: "纠纷警情",
    weight: 15,
    police: true,
    templates: ["报警人称与邻居因{issue}发生纠纷，请求处理。", "报警人称在{place}与他人因{issue}发生争执。"],
  },
  {
    code: "06",
    name: "群众求助",
    weight: 12,
    police: true,
    templates: ["报警人称家中老人走失，请求帮助寻找。", "报警人称在{place}钥匙锁在车内，请求帮助。"],
  },
  {
    code: "07",
    name: "非警务警情",
    weight: 18,
    police: false,
    templates: [
      "报警人称{place}楼上长期漏水，物业不处理。",
      "报警人称{place}附近工地夜间施工噪音扰民。",
      "报警人称{place}路灯不亮。",
      "报警人称{place}小区停水，咨询何时恢复。",
    ],
  },
  { code: "99", name: "其他警情", weight: 5, police: true, templates: ["报警人称{place}有可疑人员。"] },
];

export const DISPUTE_ISSUES = ["噪音", "漏水", "停车", "宅基地", "工钱", "装修", "宠物", "垃圾堆放"] as const;

export const INCIDENT_OUTCOMES = ["已调解", "已处理", "已移交", "已立案", "现场劝离", "已告知"] as const;

// ---- 12345 hotline ----

export const HOTLINE_CATEGORIES = ["投诉", "求助", "咨询", "建议", "举报"] as const;
export type HotlineCategory = (typeof HOTLINE_CATEGORIES)[number];

/**
 * Local SLA in working days: urgent same day, consult/help 3, complaint/suggestion 13
 * (report handled like a complaint).
 */
export const HOTLINE_SLA_WORKING_DAYS: Record<HotlineCategory | "紧急", number> = {
  紧急: 0,
  咨询: 3,
  求助: 3,
  投诉: 13,
  建议: 13,
  举报: 13,
};

/** Share of 求助 / 投诉 orders flagged urgent (about 5 % of all orders). */
export const HOTLINE_URGENT_SHARE = 0.1;

export interface HotlineTopic {
  topic: string;
  weight: number;
  /** Department the centre dispatches to; "{street}" = the township office of the location. */
  unit: string;
  /** Does the matter concern a company or unit (被反映单位)? */
  aboutUnit: boolean;
  /** [category, content]: {place} a landmark near the address, {unit} the unit complained about. */
  templates: readonly (readonly [HotlineCategory, string])[];
}

export const HOTLINE_TOPICS: readonly HotlineTopic[] = [
  {
    topic: "噪音扰民",
    weight: 12,
    unit: "市生态环境局",
    aboutUnit: true,
    templates: [
      ["投诉", "市民来电反映{place}附近{unit}夜间施工，噪音扰民，影响休息，请求处理。"],
      ["举报", "市民举报{unit}在{place}附近违规夜间施工。"],
    ],
  },
  {
    topic: "物业服务",
    weight: 12,
    unit: "市住房和城乡建设局",
    aboutUnit: true,
    templates: [
      ["投诉", "市民来电反映{place}物业（{unit}）不作为，楼道垃圾长期无人清理。"],
      ["求助", "市民反映{place}电梯故障多日未修，家中有老人出行困难，请求帮助。"],
    ],
  },
  {
    topic: "占道经营",
    weight: 7,
    unit: "{street}",
    aboutUnit: false,
    templates: [
      ["投诉", "市民反映{place}门口有流动摊贩占道经营，影响通行。"],
      ["举报", "市民举报{place}附近店铺长期占道堆放货物。"],
    ],
  },
  {
    topic: "市政设施",
    weight: 9,
    unit: "市城市管理局",
    aboutUnit: false,
    templates: [
      ["求助", "市民反映{place}路灯损坏不亮，夜间出行不便。"],
      ["投诉", "市民反映{place}窨井盖破损，存在安全隐患，多次反映未处理。"],
      ["建议", "市民建议在{place}增设公交站点。"],
    ],
  },
  {
    topic: "供水供电",
    weight: 6,
    unit: "市水务局",
    aboutUnit: false,
    templates: [
      ["咨询", "市民咨询{place}停水原因及恢复时间。"],
      ["求助", "市民反映{place}水压低，高层无法正常用水。"],
    ],
  },
  {
    topic: "劳动保障",
    weight: 8,
    unit: "市人力资源和社会保障局",
    aboutUnit: true,
    templates: [
      ["投诉", "市民反映{unit}拖欠工资三个月，请求帮助讨薪。"],
      ["求助", "市民反映在{unit}工作期间受伤，单位不予认定工伤，请求帮助。"],
      ["咨询", "市民咨询灵活就业人员社保缴费事宜。"],
    ],
  },
  {
    topic: "医保社保",
    weight: 8,
    unit: "市医疗保障局",
    aboutUnit: false,
    templates: [
      ["咨询", "市民咨询异地就医备案流程。"],
      ["咨询", "市民咨询城乡居民医保缴费时间。"],
    ],
  },
  {
    topic: "户籍证件",
    weight: 5,
    unit: "市公安局",
    aboutUnit: false,
    templates: [
      ["咨询", "市民咨询身份证补办所需材料。"],
      ["咨询", "市民咨询子女落户手续。"],
    ],
  },
  {
    topic: "市场监管",
    weight: 7,
    unit: "市市场监督管理局",
    aboutUnit: true,
    templates: [
      ["投诉", "市民反映在{unit}购买商品后商家拒绝退换。"],
      ["举报", "市民举报{unit}销售过期食品。"],
    ],
  },
  {
    topic: "违章建筑",
    weight: 5,
    unit: "{street}",
    aboutUnit: false,
    templates: [
      ["举报", "市民举报{place}有住户私自搭建违章建筑。"],
      ["投诉", "市民反映{place}楼顶违建长期未拆除。"],
    ],
  },
  {
    topic: "环境卫生",
    weight: 8,
    unit: "市城市管理局",
    aboutUnit: false,
    templates: [
      ["投诉", "市民反映{place}垃圾清运不及时，气味难闻。"],
      ["建议", "市民建议{place}增设垃圾分类投放点。"],
    ],
  },
  {
    topic: "民政救助",
    weight: 4,
    unit: "市民政局",
    aboutUnit: false,
    templates: [
      ["咨询", "市民咨询低保申请条件。"],
      ["咨询", "市民咨询高龄津贴发放时间。"],
      ["求助", "市民反映家中老人独居无人照料，请求社区帮助。"],
    ],
  },
  {
    topic: "交通出行",
    weight: 5,
    unit: "市交通运输局",
    aboutUnit: false,
    templates: [
      ["建议", "市民建议优化{place}附近公交线路。"],
      ["投诉", "市民反映出租车拒载。"],
    ],
  },
];

export const HOTLINE_CHANNELS = [
  ["12345热线", 70],
  ["政府网站", 10],
  ["微信公众号", 12],
  ["市长信箱", 3],
  ["110转办", 0],
] as const;

export const HOTLINE_STATUSES = ["待受理", "已派单", "办理中", "已办结", "已回访", "超期未办结"] as const;

export const SATISFACTION = [
  ["满意", 70],
  ["基本满意", 15],
  ["不满意", 8],
  ["未评价", 7],
] as const;

// ---- 信访 petitions ----

export const PETITION_FORMS = [
  ["来信", 25],
  ["来访", 35],
  ["网上信访", 40],
] as const;

export const PETITION_ISSUES = [
  ["城乡建设", 18],
  ["征地拆迁", 10],
  ["劳动社保", 16],
  ["农业农村", 8],
  ["政法", 12],
  ["卫生健康", 6],
  ["教育文体", 6],
  ["民政", 6],
  ["自然资源", 7],
  ["生态环境", 6],
  ["纪检监察", 5],
] as const;

export const PETITION_STATUSES = [
  "待受理",
  "已受理",
  "办理中",
  "已办结",
  "不予受理",
  "复查中",
  "复核中",
] as const;

/** 信访工作条例 (2022) time limits, days (periods start the next day). */
export const PETITION_LIMITS = {
  decideWithinDays: 15, // accept-or-not decision
  concludeWithinDays: 60, // after acceptance
  extensionDays: 30, // with approval
} as const;

/** A petition is collective (集体访) from this many petitioners. */
export const COLLECTIVE_THRESHOLD = 5;

// ---- civil affairs ----

export interface AssistanceCategory {
  category: "低保" | "特困" | "高龄津贴" | "残疾人补贴";
  code: string;
  /** Monthly amount in yuan, [min, max]. */
  amount: readonly [number, number];
}

export const ASSISTANCE_CATEGORIES: readonly AssistanceCategory[] = [
  { category: "低保", code: "DB", amount: [300, 1040] },
  { category: "特困", code: "TK", amount: [1350, 1700] },
  { category: "高龄津贴", code: "GL", amount: [50, 50] },
  { category: "残疾人补贴", code: "CJ", amount: [100, 200] },
];

/** 高龄津贴 by age band (Nantong-like scale, yuan/month). */
export const ELDERLY_ALLOWANCE_BANDS: readonly (readonly [number, number])[] = [
  [100, 500],
  [90, 200],
  [80, 50],
];

/** Eligibility shares, applied per household or person. */
export const ASSISTANCE_RATES = {
  lowIncomeHousehold: 0.012, // 低保户
  lowIncomeHouseholdSingleOrElderly: 0.04, // higher for lone elders and single parents
  extremePoverty: 0.1, // 特困, among lone persons aged 60+
  elderlyAllowanceTakeUp: 0.96, // 高龄津贴 among the 80+
  disabilitySubsidy: 0.6, // 残疾人补贴 among grade 1–2 disabled, or any grade in a 低保 household
  stopped: 0.06, // 停保 / 暂停
} as const;

export const SOCIAL_ORG_TYPES = [
  { type: "社会团体", code: "1", weight: 45, suffixes: ["协会", "商会", "研究会", "联合会", "促进会"] },
  {
    type: "民办非企业单位",
    code: "2",
    weight: 50,
    suffixes: ["养老服务中心", "社会工作服务社", "培训学校", "康复中心", "幼儿园", "志愿服务中心"],
  },
  { type: "基金会", code: "3", weight: 5, suffixes: ["慈善基金会", "教育基金会"] },
] as const;

/** Units registered with market regulation (登记管理部门 9). Name suffixes keep names unique. */
export const COMPANY_TYPES = [
  { type: "企业", code: "1", weight: 87, suffixes: ["有限公司", "有限公司", "有限公司"] },
  { type: "个体工商户", code: "2", weight: 13, suffixes: ["经营部", "商行", "门市部"] },
] as const;

// ---- grid ----

export const PATROL_TYPES = [
  ["安全隐患", 20],
  ["消防隐患", 10],
  ["环境卫生", 20],
  ["占道经营", 10],
  ["矛盾纠纷线索", 10],
  ["特殊人群走访", 15],
  ["独居老人走访", 15],
] as const;

export const DISPUTE_TYPES = [
  ["邻里纠纷", 30],
  ["婚姻家庭纠纷", 18],
  ["劳资纠纷", 14],
  ["物业纠纷", 12],
  ["土地承包纠纷", 6],
  ["损害赔偿纠纷", 10],
  ["房屋宅基地纠纷", 10],
] as const;

export const MEDIATION_STATUSES = [
  ["调解成功", 65],
  ["调解中", 15],
  ["调解不成功", 8],
  ["已移交", 12],
] as const;

/** 三色预警: blue / yellow / red by scope and severity. */
export const WARNING_LEVELS = [
  ["蓝色", 80],
  ["黄色", 17],
  ["红色", 3],
] as const;
