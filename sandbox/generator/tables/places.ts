// Place and organisation vocabularies: roads, residential compounds, building layouts, district
// centres for coordinates, and the parts organisation names are made of.

export const PROVINCE_NAME = "江苏省";

/** Approximate centres of the demo districts (WGS-84 lng, lat), for "落图" coordinates. */
export const DISTRICT_CENTRES: Readonly<Record<string, readonly [number, number]>> = {
  "320602": [120.866, 32.011],
  "320612": [121.073, 32.064],
  "320614": [121.181, 31.871],
  "320623": [121.186, 32.317],
  "320681": [121.657, 31.808],
  "320682": [120.574, 32.371],
  "320685": [120.467, 32.533],
};

/** 街路巷 names (urban). */
export const ROAD_NAMES = [
  "人民路",
  "工农路",
  "青年路",
  "濠河路",
  "崇川路",
  "钟秀路",
  "城山路",
  "跃龙路",
  "虹桥路",
  "南大街",
  "长江路",
  "世纪大道",
  "通京大道",
  "桃坞路",
  "孩儿巷",
  "寺街",
  "易家桥路",
  "五一路",
  "园林路",
  "永和路",
  "星湖大道",
  "通富路",
  "新金路",
  "建设路",
  "银河路",
  "解放路",
  "北京路",
  "秀山路",
  "青园路",
  "江海路",
  "和平路",
  "公园路",
  "海阳路",
  "福寿路",
  "宁海路",
  "黄海大道",
  "中山路",
  "文化路",
  "学府路",
  "光明路",
] as const;

export const COMPOUND_STEMS = [
  "和平",
  "友谊",
  "文峰",
  "紫琅",
  "桃园",
  "北濠",
  "城港",
  "东景",
  "江海",
  "五福",
  "星光",
  "阳光",
  "滨江",
  "锦绣",
  "金色",
  "翠苑",
  "学苑",
  "新城",
  "南苑",
  "北苑",
  "华庭",
  "湖景",
  "丽景",
  "景瑞",
] as const;

export const COMPOUND_SUFFIXES = ["新村", "花园", "小区", "家园", "公寓", "苑", "名都", "雅苑"] as const;

/** Building layouts for urban compounds: [units per building, floors, rooms per floor per unit, weight]. */
export const BUILDING_LAYOUTS: readonly (readonly [number, number, number, number])[] = [
  [2, 6, 2, 40], // 老小区 six-storey walk-up
  [3, 6, 2, 20],
  [2, 11, 2, 15], // 小高层
  [2, 18, 3, 15], // 高层
  [1, 33, 4, 10],
];

/** Houses per village group (组) in rural grids. */
export const VILLAGE_HOUSES_PER_GROUP: readonly [number, number] = [25, 60];

/** Chinese numerals for village groups written colloquially (三组, 十二组). */
export const CN_DIGITS = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"] as const;

export function chineseNumber(n: number): string {
  if (n < 10) return CN_DIGITS[n]!;
  if (n < 20) return `十${n === 10 ? "" : CN_DIGITS[n - 10]}`;
  if (n < 100) return `${CN_DIGITS[Math.floor(n / 10)]}十${n % 10 === 0 ? "" : CN_DIGITS[n % 10]}`;
  return String(n);
}

// ---- organisations ----

export const BRAND_CHARS = [
  ..."瑞丰鑫达华通宏盛泰恒嘉润兴海天宇金源明远信诚德安益博联创新和佳中长江富鼎隆瀚祥凯",
] as const;

export const INDUSTRIES = [
  "建材",
  "纺织",
  "服饰",
  "物业管理",
  "建筑工程",
  "机械制造",
  "电子科技",
  "餐饮管理",
  "物流",
  "贸易",
  "房地产开发",
  "食品",
  "化工",
  "家纺",
  "装饰工程",
  "汽车销售",
  "船舶配件",
  "医药",
  "信息技术",
  "劳务派遣",
] as const;

export const SHOP_KINDS = [
  "便利店",
  "小吃店",
  "五金店",
  "理发店",
  "水果店",
  "干洗店",
  "烟酒商行",
  "家电维修部",
] as const;

export const COOP_KINDS = ["农机", "蔬菜", "水产", "果品", "粮食"] as const;

export const SOCIAL_ORG_STEMS = [
  "老年",
  "青少年",
  "书法",
  "摄影",
  "慈善",
  "志愿者",
  "家政服务",
  "电子商务",
  "体育",
  "围棋",
  "心理健康",
  "残疾人康复",
  "颐康",
  "福寿",
  "夕阳红",
  "乐龄",
  "启航",
  "彩虹",
  "爱心",
  "同心",
  "益众",
  "善行",
  "悦心",
  "邻里",
  "美术",
  "音乐",
  "舞蹈",
  "棋类",
  "钓鱼",
  "登山",
  "太极拳",
  "读书",
  "集邮",
  "园艺",
  "科普",
  "法律服务",
  "人民调解",
  "环保",
  "助残",
  "助学",
  "养老",
  "托育",
  "健康",
  "营养",
  "民俗",
  "非遗",
  "收藏",
  "茶文化",
  "花鸟",
] as const;

export const BUSINESS_SUPERVISORS = [
  "市文化广电和旅游局",
  "市教育局",
  "市体育局",
  "市卫生健康委员会",
  "市科学技术协会",
  "市民政局",
  "直接登记",
] as const;
