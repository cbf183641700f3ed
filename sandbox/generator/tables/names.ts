// Name tables: surnames (姓) with rough frequencies (national ranking, with the Nantong favourites
// 陈 徐 顾 季 施 陆 缪 a little higher), given names (名) by birth era and sex, minority names, and
// the tables the dirt step uses: homophones (同音字), look-alikes (形近字) and rare characters
// (生僻字) with their pinyin.

/** [surname, weight ‰]. */
export const SURNAMES: readonly (readonly [string, number])[] = [
  ["王", 71],
  ["李", 70],
  ["张", 67],
  ["刘", 54],
  ["陈", 60],
  ["杨", 31],
  ["黄", 22],
  ["赵", 21],
  ["吴", 20],
  ["周", 19],
  ["徐", 24],
  ["孙", 15],
  ["马", 14],
  ["朱", 16],
  ["胡", 13],
  ["郭", 12],
  ["何", 12],
  ["林", 10],
  ["高", 10],
  ["罗", 9],
  ["郑", 8],
  ["梁", 8],
  ["谢", 7],
  ["宋", 7],
  ["唐", 7],
  ["许", 7],
  ["韩", 6],
  ["冯", 6],
  ["邓", 6],
  ["曹", 7],
  ["彭", 5],
  ["曾", 5],
  ["肖", 5],
  ["田", 5],
  ["董", 5],
  ["袁", 5],
  ["潘", 4],
  ["于", 4],
  ["蒋", 5],
  ["蔡", 4],
  ["余", 4],
  ["杜", 4],
  ["叶", 4],
  ["程", 4],
  ["魏", 3],
  ["苏", 3],
  ["吕", 3],
  ["丁", 5],
  ["任", 3],
  ["沈", 6],
  ["姚", 3],
  ["卢", 3],
  ["姜", 3],
  ["崔", 3],
  ["钟", 3],
  ["谭", 3],
  ["陆", 8],
  ["汪", 3],
  ["范", 3],
  ["金", 3],
  ["石", 3],
  ["夏", 2],
  ["顾", 9],
  ["季", 7],
  ["施", 7],
  ["缪", 3],
  ["瞿", 1],
  ["仇", 1],
  ["欧阳", 0.6],
  ["司马", 0.1],
  ["诸葛", 0.1],
  ["上官", 0.1],
];

export const BIRTH_ERAS = ["pre1960", "y1960", "y1980", "y2000"] as const;
export type BirthEra = (typeof BIRTH_ERAS)[number];

export function eraOf(birthYear: number): BirthEra {
  if (birthYear < 1960) return "pre1960";
  if (birthYear < 1980) return "y1960";
  if (birthYear < 2000) return "y1980";
  return "y2000";
}

interface GivenNamePool {
  /** Share of one-character given names (单名) in this era. */
  singleShare: number;
  double: readonly string[];
  single: readonly string[];
}

/** Given names by era and sex (1 男, 2 女). */
export const GIVEN_NAMES: Record<BirthEra, Record<1 | 2, GivenNamePool>> = {
  pre1960: {
    1: {
      singleShare: 0.25,
      double: [
        "建国",
        "建华",
        "国强",
        "国华",
        "志强",
        "德明",
        "德华",
        "长林",
        "金生",
        "福生",
        "宝林",
        "文华",
        "玉林",
        "永华",
        "明华",
        "振华",
        "树林",
        "海林",
        "桂林",
        "春生",
      ],
      single: ["军", "林", "华", "明", "强", "斌", "平", "忠"],
    },
    2: {
      singleShare: 0.2,
      double: [
        "秀英",
        "桂英",
        "秀兰",
        "玉兰",
        "桂兰",
        "凤英",
        "秀珍",
        "玉英",
        "玉梅",
        "桂芳",
        "秀芳",
        "淑珍",
        "兰英",
        "美英",
        "凤兰",
        "秀云",
        "桂珍",
        "春兰",
        "菊英",
        "爱华",
      ],
      single: ["英", "兰", "珍", "芳", "梅", "琴"],
    },
  },
  y1960: {
    1: {
      singleShare: 0.35,
      double: [
        "建军",
        "卫东",
        "红兵",
        "国平",
        "志刚",
        "建平",
        "海峰",
        "立新",
        "永刚",
        "建明",
        "晓东",
        "卫国",
        "小平",
        "向东",
        "利民",
        "建新",
        "海涛",
        "志明",
        "建伟",
        "明亮",
      ],
      single: ["伟", "军", "勇", "强", "刚", "斌", "平", "华", "峰", "涛", "波"],
    },
    2: {
      singleShare: 0.35,
      double: [
        "丽华",
        "红梅",
        "海燕",
        "秀梅",
        "晓燕",
        "春燕",
        "丽萍",
        "美华",
        "红霞",
        "建华",
        "晓红",
        "丽娟",
        "雪梅",
        "金凤",
        "玉芳",
        "亚萍",
        "小红",
        "秋萍",
        "爱华",
        "桂红",
      ],
      single: ["丽", "红", "艳", "敏", "萍", "娟", "芳", "静", "霞", "燕"],
    },
  },
  y1980: {
    1: {
      singleShare: 0.3,
      double: [
        "俊杰",
        "浩然",
        "志伟",
        "建伟",
        "晓明",
        "文博",
        "家豪",
        "鹏飞",
        "海涛",
        "宇航",
        "天宇",
        "明辉",
        "俊峰",
        "晓峰",
        "志勇",
        "子豪",
        "振宇",
        "伟杰",
        "永强",
        "文杰",
      ],
      single: ["磊", "鹏", "杰", "浩", "超", "斌", "俊", "峰", "涛", "亮", "宇"],
    },
    2: {
      singleShare: 0.25,
      double: [
        "晓丽",
        "婷婷",
        "丽娜",
        "雪莹",
        "佳怡",
        "晓静",
        "倩倩",
        "思琪",
        "慧敏",
        "雅琴",
        "嘉欣",
        "梦瑶",
        "雨婷",
        "晓燕",
        "海燕",
        "美玲",
        "欣怡",
        "诗雨",
        "佳琪",
        "丹丹",
      ],
      single: ["婷", "倩", "静", "敏", "颖", "琳", "娜", "洁", "丹", "莉"],
    },
  },
  y2000: {
    1: {
      singleShare: 0.12,
      double: [
        "子轩",
        "浩宇",
        "宇轩",
        "俊熙",
        "梓豪",
        "一鸣",
        "浩然",
        "子墨",
        "沐辰",
        "宇航",
        "皓轩",
        "思源",
        "博文",
        "若宇",
        "明轩",
        "奕辰",
        "天佑",
        "嘉懿",
        "锦程",
        "煜城",
      ],
      single: ["航", "睿", "泽", "轩", "昊", "宸"],
    },
    2: {
      singleShare: 0.1,
      double: [
        "梓涵",
        "欣怡",
        "一诺",
        "诗涵",
        "梓萱",
        "可馨",
        "雨桐",
        "紫萱",
        "思彤",
        "语嫣",
        "若曦",
        "雨涵",
        "佳怡",
        "欣妍",
        "梦琪",
        "芷若",
        "依诺",
        "馨月",
        "子萱",
        "沐晴",
      ],
      single: ["涵", "萱", "琪", "彤", "妍", "悦"],
    },
  },
};

/**
 * Homophone groups (same syllable, tone ignored: an input method offers them side by side, and a
 * name spoken on the phone is written with any of them). Each character is in one group only.
 */
export const HOMOPHONE_GROUPS: readonly (readonly [string, string])[] = [
  ["wei", "伟玮炜韦维纬卫"],
  ["li", "丽莉俐力立利黎"],
  ["min", "敏民闽珉旻"],
  ["jing", "静婧晶菁京靖敬"],
  ["jun", "军君钧俊骏峻"],
  ["hua", "华化桦骅"],
  ["ying", "英颖莹瑛盈"],
  ["xiu", "秀绣修"],
  ["lan", "兰岚澜蓝"],
  ["fang", "芳方舫"],
  ["hong", "红宏鸿虹洪"],
  ["ming", "明铭鸣名"],
  ["jie", "杰洁婕捷"],
  ["tao", "涛韬滔桃"],
  ["hao", "浩昊皓豪灏"],
  ["yu", "宇雨玉瑜语羽钰煜昱"],
  ["xin", "欣鑫新馨心昕"],
  ["yi", "怡一依艺毅仪宜奕懿亦"],
  ["han", "涵晗寒翰瀚含"],
  ["xuan", "轩萱宣璇瑄"],
  ["zi", "子梓紫姿"],
  ["chen", "晨辰宸琛臣"],
  ["yan", "燕艳妍彦岩颜嫣"],
  ["ting", "婷亭庭廷"],
  ["qian", "倩茜谦"],
  ["lei", "磊蕾雷"],
  ["peng", "鹏朋"],
  ["gang", "刚钢"],
  ["qiang", "强蔷"],
  ["guo", "国果"],
  ["jian", "建健剑坚"],
  ["de", "德得"],
  ["gui", "桂贵"],
  ["mei", "梅美媚玫"],
  ["xia", "霞夏"],
  ["bo", "波博柏"],
  ["feng", "峰锋凤枫丰风"],
  ["ping", "平萍苹"],
  ["qing", "清青晴庆"],
  ["qin", "琴勤芹沁"],
  ["yong", "勇永咏"],
  ["ling", "玲铃灵凌"],
  ["lin", "琳林霖麟"],
  ["na", "娜纳"],
  ["xue", "雪学"],
  ["chao", "超朝"],
  ["liang", "亮良"],
  ["bin", "斌彬滨"],
  ["hui", "辉慧惠晖"],
  ["dong", "东冬栋"],
  ["zhi", "志智芝"],
  ["yuan", "源媛远元"],
  ["qi", "琪琦祺淇"],
  ["tong", "彤桐童"],
  ["yue", "悦月越跃"],
  ["rui", "睿瑞蕊"],
  ["ze", "泽择"],
  ["shi", "诗师"],
  ["si", "思丝"],
  ["xiao", "晓小筱"],
  ["tian", "天田"],
  ["zhen", "珍真振祯"],
  ["shu", "淑舒书"],
  ["chun", "春纯"],
  ["jia", "佳嘉家"],
  ["meng", "梦蒙萌"],
  ["ya", "雅亚娅"],
  ["yao", "瑶遥"],
  ["xiang", "翔祥向"],
  ["fei", "飞菲"],
  ["cheng", "城程成诚"],
  ["sheng", "生胜升"],
  ["fu", "福富"],
  ["bao", "宝保"],
  ["hang", "航杭"],
  ["mo", "墨沫默"],
  ["you", "佑友"],
  ["jin", "金锦瑾进"],
  ["wen", "文雯"],
];

/** Look-alike characters (形近字) for handwriting / OCR / 五笔 slips. */
export const LOOKALIKES: Readonly<Record<string, string>> = {
  玉: "王",
  王: "玉",
  丹: "舟",
  未: "末",
  土: "士",
  己: "已",
  晴: "睛",
  徐: "涂",
  莹: "荧",
  斌: "赋",
  洁: "浩",
  杰: "木",
  琴: "瑟",
  娟: "绢",
  梅: "海",
  海: "梅",
  英: "央",
  兰: "当",
  军: "车",
  平: "乎",
  明: "朋",
};

/** Rare characters (生僻字, outside GB 2312) that legacy systems store as pinyin or "?". */
export const RARE_CHARACTERS: readonly (readonly [string, string])[] = [
  ["䶮", "yan"],
  ["堃", "kun"],
  ["喆", "zhe"],
  ["玥", "yue"],
  ["燚", "yi"],
  ["犇", "ben"],
  ["淼", "miao"],
  ["垚", "yao"],
  ["赟", "yun"],
  ["旸", "yang"],
  ["珺", "jun"],
  ["翀", "chong"],
  ["昇", "sheng"],
  ["祎", "yi"],
  ["玏", "le"],
  ["瑀", "yu"],
];

/** Share of persons whose given name carries one rare character. */
export const RARE_CHARACTER_SHARE = 0.004;

/** Minority names: Uyghur and Kazakh are written "given·father's given" (U+00B7). */
export const DOT_NAMES: Record<1 | 2, readonly string[]> = {
  1: [
    "艾力",
    "买买提",
    "阿不都",
    "吐尔逊",
    "依明",
    "努尔",
    "热合曼",
    "阿迪力",
    "艾买提",
    "帕尔哈提",
    "肉孜",
    "叶尔兰",
  ],
  2: [
    "古丽",
    "阿依古丽",
    "热依拉",
    "帕提古丽",
    "迪丽努尔",
    "米热古丽",
    "阿依努尔",
    "祖丽菲亚",
    "努尔古丽",
    "阿依达娜",
  ],
};

/** Tibetan names: two two-character parts, no surname and no dot. */
export const TIBETAN_NAME_PARTS: Record<1 | 2, readonly string[]> = {
  1: ["扎西", "次仁", "顿珠", "多吉", "平措", "尼玛", "达瓦", "格桑", "旺堆", "洛桑"],
  2: ["卓玛", "央金", "拉姆", "德吉", "白玛", "措姆", "曲珍", "次仁", "格桑", "普布"],
};

/** Mongolian names: one name, no surname. */
export const MONGOLIAN_NAMES: Record<1 | 2, readonly string[]> = {
  1: ["巴特尔", "额尔敦", "苏和", "那日苏", "孟和", "朝鲁", "巴图", "宝音"],
  2: ["其其格", "乌云", "图雅", "斯琴", "萨仁", "娜仁", "高娃", "塔娜"],
};

/** Surnames that callers give with 先生 / 女士 (12345 habit). */
export const HONORIFICS: Record<1 | 2, string> = { 1: "先生", 2: "女士" };

/** 性别 as the silos write it. */
export const sexName = (sex: 1 | 2): string => (sex === 1 ? "男" : "女");

// ---- derived lookups ----

const homophoneIndex = new Map<string, string>();
for (const [, chars] of HOMOPHONE_GROUPS) {
  for (const ch of chars) {
    if (homophoneIndex.has(ch)) throw new Error(`homophone table: ${ch} is in two groups`);
    homophoneIndex.set(ch, chars);
  }
}

/** The other characters read like `ch` (empty when none are known). */
export function homophonesOf(ch: string): string[] {
  const group = homophoneIndex.get(ch);
  return group ? [...group].filter((c) => c !== ch) : [];
}

/** Pinyin syllable (tone-less) of a character, when the homophone or rare table knows it. */
export function syllableOf(ch: string): string | null {
  for (const [syllable, chars] of HOMOPHONE_GROUPS) if (chars.includes(ch)) return syllable;
  for (const [rare, syllable] of RARE_CHARACTERS) if (rare === ch) return syllable;
  return null;
}
