//! Benchmark corpus generator: a realistic, deterministic Chinese study-column
//! site in lanmu's format (or the same content as a Hugo site).
//!
//! ```sh
//! cargo run --release --example gen_corpus -- --pages 10000 --out /tmp/c10k --seed 1
//! cargo run --release --example gen_corpus -- --pages 10000 --out /tmp/h10k --seed 1 --format hugo
//! ```
//!
//! The site has the five demo columns (先进事迹 `member`, 书目推荐 `book`,
//! 真题练习 `exam`, 志愿服务 `report`, 学习心得 `article`) with valid kind
//! blocks, 2–4 KB of Chinese Markdown per page (headings, lists, tables, bold
//! next to Chinese quotes, soft line breaks, relative `.md` links to other
//! pages with and without `#heading` fragments), ~200 tags drawn from a
//! Zipf-like distribution, 30 branches (`branch:` taxonomy) and dates over
//! ten years. The same seed always gives byte-identical files.
//!
//! Used by `scripts/bench` and by the criterion benches (`benches/`), which
//! include this file as a module and call [`generate`].

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

/// splitmix64: small, fast, good enough for synthetic text.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * n as f64) as usize % n.max(1)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One element of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `k` distinct indices below `n`, in the order drawn.
    pub fn distinct(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut out = Vec::with_capacity(k);
        while out.len() < k.min(n) {
            let i = self.below(n);
            if !out.contains(&i) {
                out.push(i);
            }
        }
        out
    }
}

/// Output flavour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// lanmu: `config.yaml`, `content/`.
    Lanmu,
    /// Hugo: `hugo.yaml`, `content/`, `layouts/`.
    Hugo,
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Number of pages (column index pages not counted).
    pub pages: usize,
    /// Output folder (created; existing `content/` is replaced).
    pub out: PathBuf,
    /// PRNG seed.
    pub seed: u64,
    /// Site flavour.
    pub format: Format,
}

/// Figures about what was written.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Pages written.
    pub pages: usize,
    /// Bytes of Markdown bodies (front matter excluded).
    pub body_bytes: usize,
    /// Bytes of all page files.
    pub file_bytes: usize,
    /// Distinct tags used.
    pub tags_used: usize,
    /// Pages per column, in column order.
    pub per_column: Vec<(&'static str, usize)>,
}

// ---------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------

struct ColumnDef {
    dir: &'static str,
    title: &'static str,
    description: &'static str,
    kind: &'static str,
    weight: usize,
    /// Share of pages, in percent.
    share: usize,
    intro: &'static str,
}

const COLUMNS: [ColumnDef; 5] = [
    ColumnDef {
        dir: "xianjin",
        title: "先进事迹",
        description: "记录身边优秀党员和入党积极分子的成长故事，用榜样的力量激励同学。",
        kind: "member",
        weight: 1,
        share: 15,
        intro: "身边的榜样最有说服力。本栏目介绍各支部在学习、科研、志愿服务中表现突出的同学。",
    },
    ColumnDef {
        dir: "shumu",
        title: "书目推荐",
        description: "支部推荐的理论读物、党史著作、期刊文章与文学作品。",
        kind: "book",
        weight: 2,
        share: 15,
        intro: "读经典、学原著、悟原理。本栏目整理支部集体学习和读书会中推荐的书目。",
    },
    ColumnDef {
        dir: "zhenti",
        title: "真题练习",
        description: "考研政治、公务员、选调生等考试的思政类模拟练习题，附答案与解析。",
        kind: "exam",
        weight: 3,
        share: 15,
        intro: "题目均为支部学习小组根据公开教材和党章党史知识自编整理的模拟练习，供备考同学自测使用。",
    },
    ColumnDef {
        dir: "zhiyuan",
        title: "志愿服务",
        description: "支部志愿服务与社会实践活动纪实，含服务时长与参与人数统计。",
        kind: "report",
        weight: 4,
        share: 15,
        intro: "把学习成果转化为服务同学、服务社会的实际行动。",
    },
    ColumnDef {
        dir: "xinde",
        title: "学习心得",
        description: "支部党员和入党积极分子的理论学习体会与读书笔记。",
        kind: "article",
        weight: 5,
        share: 40,
        intro: "学而思，思而行。这里收录同学们在集体学习和个人自学中的所思所得。",
    },
];

/// Tag stems × suffixes = 200 tags; rank `k` is stem `k % 20`, suffix `k / 20`,
/// so the most used tags are the plain `…学习` ones.
const TAG_STEMS: [&str; 20] = [
    "党史", "党章", "理论", "思想", "初心", "使命", "信念", "纪律", "作风", "廉洁", "榜样", "青年",
    "乡村", "科技", "文化", "生态", "法治", "民主", "国防", "劳动",
];
const TAG_SUFFIXES: [&str; 10] = [
    "学习", "教育", "实践", "讲座", "研讨", "读书", "宣讲", "调研", "征文", "竞赛",
];

const COLLEGES: [&str; 10] = [
    "计算机学院",
    "软件学院",
    "数学学院",
    "物理学院",
    "化学学院",
    "经济学院",
    "法学院",
    "外国语学院",
    "新闻学院",
    "机械工程学院",
];
const BRANCH_SUFFIXES: [&str; 3] = ["第一学生党支部", "第二学生党支部", "研究生党支部"];

const TIMES: &[&str] = &[
    "近年来",
    "本学期以来",
    "在集体学习中",
    "在主题党日活动中",
    "在支部组织生活会上",
    "寒假期间",
    "暑期社会实践中",
    "开学第一周",
    "上个月",
    "在学习小组每周例会上",
    "结合专业学习",
    "在读书分享会上",
    "在专题党课上",
    "毕业季前夕",
];
const WHO: &[&str] = &[
    "支部党员",
    "入党积极分子",
    "发展对象",
    "预备党员",
    "同学们",
    "支部书记",
    "宣传委员",
    "组织委员",
    "学习小组成员",
    "青年学生",
    "大家",
    "我们",
    "党小组",
    "全体党员",
];
const ADVS: &[&str] = &[
    "认真",
    "深入",
    "系统",
    "扎实",
    "持续",
    "积极",
    "主动",
    "自觉",
    "反复",
    "逐字逐句地",
    "集中",
];
const VERBS: &[&str] = &[
    "学习了",
    "研读了",
    "领会了",
    "讨论了",
    "梳理了",
    "回顾了",
    "交流了",
    "整理了",
    "重温了",
    "对照了",
];
const VERBS2: &[&str] = &[
    "进一步加深了对",
    "更加坚定了",
    "切实提高了",
    "不断增强了",
    "逐步形成了",
    "重新认识了",
];
const OBJECTS: &[&str] = &[
    "党的创新理论的理解",
    "理想信念",
    "服务同学的能力",
    "支部的凝聚力和战斗力",
    "把学习成果转化为实际行动的自觉",
    "理论联系实际的学风",
    "责任意识和担当精神",
    "党员身份意识",
    "为人民服务的宗旨意识",
    "艰苦奋斗的优良作风",
];
const TOPICS: &[&str] = &[
    "党的二十大报告",
    "《中国共产党章程》",
    "新时代中国特色社会主义思想",
    "党史学习教育成果",
    "中国式现代化的本质要求",
    "全面从严治党的要求",
    "伟大建党精神",
    "红色革命传统",
    "新时代青年的使命担当",
    "民主集中制原则",
    "“三会一课”制度",
    "乡村振兴战略",
    "科技自立自强",
    "社会主义核心价值观",
    "《共产党宣言》",
    "中国共产党纪律处分条例",
    "改革开放史",
    "新中国史",
    "社会主义发展史",
    "全过程人民民主",
    "生态文明建设",
    "教育强国建设",
    "文化自信",
    "总体国家安全观",
    "共同富裕",
];
const QUOTES: &[&str] = &[
    "两学一做",
    "三会一课",
    "不忘初心、牢记使命",
    "四个意识",
    "四个自信",
    "两个维护",
    "我为群众办实事",
    "学思想、强党性、重实践、建新功",
    "青年大学习",
    "书香支部",
    "红色寻访",
    "支部建在班上",
    "一支部一品牌",
    "党员先锋岗",
];
const ACTS: &[&str] = &[
    "学习教育",
    "主题活动",
    "专题研讨",
    "系列宣讲",
    "实践活动",
    "读书会",
    "知识竞赛",
    "主题党日",
];
const RESULTS: &[&str] = &[
    "取得了扎实成效",
    "形成了一批学习笔记",
    "受到同学们普遍欢迎",
    "带动了全班同学共同进步",
    "营造了浓厚的学习氛围",
    "得到了学院党委的肯定",
    "让理论学习真正“活”了起来",
];
const SAYINGS: &[&str] = &[
    "学习不能停留在纸面上，要落实到行动中。",
    "身边的榜样最有说服力。",
    "理论学习有收获，实践才更有方向。",
    "把每一件小事做好，就是对初心最好的践行。",
    "基层是最好的课堂。",
    "读原著、学原文、悟原理，功夫要下在平时。",
    "青年人要把个人理想融入国家发展之中。",
    "服务同学是党员最朴素的本分。",
];
const ACTIVITIES: &[&str] = &[
    "参观革命纪念馆",
    "重温入党誓词",
    "观看红色电影",
    "开展志愿服务",
    "走访社区",
    "举办知识竞赛",
    "撰写学习笔记",
    "集体朗读经典篇目",
    "开展结对帮扶",
    "组织专题调研",
];
const PLACES: &[&str] = &[
    "示例市革命历史纪念馆",
    "学校图书馆",
    "社区党群服务中心",
    "乡村振兴实践基地",
    "校史馆",
    "学院会议室",
    "老年活动中心",
    "示例县中心小学",
    "学生活动中心",
];
const NEG_POS: &[(&str, &str)] = &[
    ("一阵风", "常态化的自觉"),
    ("纸上谈兵", "知行合一"),
    ("额外的任务", "成长的机会"),
    ("少数人的事", "每个人的责任"),
    ("背诵条文", "理解精神实质"),
];
const DESCS: &[&str] = &[
    "党的根本大法",
    "立党兴党强党的根本指针",
    "我们党的优良传统",
    "新时代青年的必修课",
    "支部建设的基础工作",
    "凝聚人心的重要抓手",
];
const GOALS: &[&str] = &[
    "学懂弄通做实",
    "知行合一",
    "学用结合",
    "入脑入心",
    "以学促干",
    "学以致用",
];
const LATIN: &[&str] = &[
    "支部用 Python 编写了一个小工具，自动统计每月的学习时长。",
    "学习资料统一放在支部的 Git 仓库里，方便大家随时查阅。",
    "活动照片和签到表按 PDF 格式归档，便于年终总结时查找。",
    "部分同学用 Markdown 整理学习笔记，再汇总成支部的电子读本。",
];
const HEADINGS: &[&str] = &[
    "学习收获",
    "主要做法",
    "活动背景",
    "活动过程",
    "心得体会",
    "经验与启示",
    "存在的不足",
    "下一步打算",
    "重点内容",
    "学习方法",
    "几点思考",
    "实践感悟",
    "支部的支持",
    "成长经历",
    "榜样的力量",
    "交流讨论",
    "延伸阅读",
    "学习小提示",
];
const MONTHS_CN: &[&str] = &[
    "一月",
    "二月",
    "三月",
    "四月",
    "五月",
    "六月",
    "七月",
    "八月",
    "九月",
    "十月",
    "十一月",
    "十二月",
];
const FORMS: &[&str] = &[
    "集体学习",
    "专题研讨",
    "个人自学",
    "实地参观",
    "读书分享",
    "志愿服务",
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹",
    "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕",
];
const GIVEN: &[&str] = &[
    "明", "华", "静", "怡", "浩", "然", "思", "琪", "博", "文", "雨", "桐", "子", "涵", "晓", "红",
    "宇", "轩", "欣", "悦", "志", "强", "佳", "慧", "俊", "杰", "婷", "磊", "晨", "阳", "嘉", "诚",
    "一", "凡", "梦", "瑶", "天", "翔", "紫", "萱", "立", "新", "海", "波", "春", "燕", "建", "国",
    "雪", "松",
];
const MAJORS: &[&str] = &[
    "计算机科学与技术",
    "软件工程",
    "数据科学与大数据技术",
    "人工智能",
    "网络空间安全",
    "数学与应用数学",
    "物理学",
    "应用化学",
    "经济学",
    "法学",
    "英语",
    "新闻学",
    "机械设计制造及其自动化",
    "信息管理与信息系统",
];
const HONORS: &[&str] = &[
    "国家奖学金",
    "校级优秀共产党员",
    "校级优秀学生干部",
    "暑期社会实践优秀个人",
    "优秀志愿者",
    "三好学生",
    "优秀毕业生",
    "学科竞赛一等奖",
    "优秀团员",
    "社会实践先进个人",
    "十佳大学生",
    "优秀学生党员",
];
const MEMBER_TITLES: &[&str] = &[
    "选择到基层去",
    "把论文写在祖国大地上",
    "用技术服务同学",
    "志愿服务的坚守者",
    "从学生党员到科研骨干",
    "在实验室里成长",
    "平凡岗位上的坚持",
    "做同学身边的引路人",
];

/// Publishers that lanmu knows the place of, plus a few it does not.
const PUBLISHERS: &[(&str, &str)] = &[
    ("人民出版社", "01"),
    ("中共党史出版社", "50"),
    ("中央文献出版社", "50"),
    ("学习出版社", "51"),
    ("高等教育出版社", "04"),
    ("人民文学出版社", "02"),
    ("中国青年出版社", "50"),
    ("商务印书馆", "10"),
    ("中华书局", "10"),
    ("上海人民出版社", "20"),
    ("北京十月文艺出版社", "53"),
    ("示例大学出版社", "56"),
];
const BOOK_TITLES: &[&str] = &[
    "共产党宣言",
    "中国共产党简史",
    "中国共产党章程",
    "红星照耀中国",
    "平凡的世界",
    "马克思主义基本原理",
    "毛泽东思想和中国特色社会主义理论体系概论",
    "中国近现代史纲要",
    "思想道德与法治",
    "习近平新时代中国特色社会主义思想学习纲要",
    "中华人民共和国简史",
    "改革开放简史",
    "社会主义发展简史",
    "可爱的中国",
    "红岩",
    "林海雪原",
    "青春之歌",
    "创业史",
    "长征",
    "觉醒年代",
];
const BOOK_SUFFIXES: &[&str] = &[
    "",
    "（学生读本）",
    "（修订版）",
    "（插图本）",
    "（第二版）",
    "（青年版）",
];
const AUTHORS: &[&str] = &[
    "本书编写组",
    "马克思",
    "恩格斯",
    "埃德加·斯诺",
    "董乐山（译）",
    "路遥",
    "罗广斌",
    "杨益言",
    "方志敏",
    "杨沫",
    "柳青",
    "王树增",
    "林文清",
    "周立波（主编）",
];
const JOURNALS: &[(&str, &str)] = &[
    ("求是", "求是杂志社"),
    ("红旗文稿", "求是杂志社"),
    ("党建研究", "党建读物出版社"),
    ("中国青年", "中国青年出版社"),
];
const NEWSPAPERS: &[&str] = &[
    "人民日报",
    "光明日报",
    "中国青年报",
    "示例大学学报（社会科学版）",
    "思想理论教育导刊",
];

const EXAM_TYPES: &[&str] = &["考研", "公务员", "选调生", "事业编", "大学生村官", "其他"];
const STEMS: &[&str] = &[
    "{t}的核心要义是（　）。",
    "下列关于{t}的表述，正确的是（　）。",
    "学习{t}，首先要把握的是（　）。",
    "{t}要求青年学生做到（　）。",
    "关于{t}，下列说法中体现其精神实质的是（　）。",
];
const OPTION_POOL: &[&str] = &[
    "坚持人民至上",
    "坚持自信自立",
    "坚持守正创新",
    "坚持问题导向",
    "坚持系统观念",
    "坚持胸怀天下",
    "实事求是",
    "群众路线",
    "独立自主",
    "民主集中制",
    "理论联系实际",
    "密切联系群众",
    "批评与自我批评",
    "全心全意为人民服务",
    "艰苦奋斗",
    "勤俭节约",
    "改革创新",
    "依法治国",
    "以德治国",
    "共同富裕",
    "绿色发展",
    "开放发展",
    "协调发展",
    "创新发展",
    "共享发展",
    "从严治党",
    "科教兴国",
    "人才强国",
];
const JUDGE_STEMS: &[&str] = &[
    "{t}是每一名党员都必须认真学习的内容。",
    "学习{t}只需要在考试前集中背诵即可。",
    "{t}与青年学生的日常学习生活没有直接关系。",
    "理解{t}需要理论联系实际。",
];
const SHORT_STEMS: &[&str] = &[
    "结合自身经历，谈谈你对{t}的理解。",
    "作为一名入党积极分子，你打算如何学习{t}？",
    "请简述{t}对支部建设的意义。",
];
const DISTRICTS: &[&str] = &["示例区", "东城区", "西城区", "南山区", "北湖区", "新城区"];
const VENUES: &[&str] = &[
    "社区",
    "图书馆",
    "老年活动中心",
    "革命历史纪念馆",
    "中心小学",
    "敬老院",
    "科技馆",
    "博物馆",
    "党群服务中心",
];
const SERVICES: &[&str] = &[
    "志愿讲解",
    "爱心支教",
    "助老服务",
    "图书整理",
    "环境清洁",
    "数字课堂",
    "义务家教",
    "政策宣讲",
];

// ---------------------------------------------------------------------------
// Site plan
// ---------------------------------------------------------------------------

struct PagePlan {
    column: usize,
    slug: String,
    title: String,
    /// Days since 1970-01-01 (UTC) and minutes after midnight (none = date only).
    day: i64,
    minute: Option<u32>,
    tags: Vec<usize>,
    branch: usize,
    /// Section headings, in order (the first one is linked to from other pages).
    headings: Vec<&'static str>,
}

fn tag_name(rank: usize) -> String {
    format!("{}{}", TAG_STEMS[rank % 20], TAG_SUFFIXES[rank / 20])
}

fn branch_name(i: usize) -> String {
    format!("{}{}", COLLEGES[i / 3], BRANCH_SUFFIXES[i % 3])
}

/// Cumulative Zipf weights `1/(k+1)` for `n` ranks.
fn zipf_table(n: usize) -> Vec<f64> {
    let mut acc = 0.0;
    (0..n)
        .map(|k| {
            acc += 1.0 / (k as f64 + 1.0);
            acc
        })
        .collect()
}

fn zipf(rng: &mut Rng, cumulative: &[f64]) -> usize {
    let x = rng.unit() * cumulative[cumulative.len() - 1];
    cumulative
        .partition_point(|&c| c <= x)
        .min(cumulative.len() - 1)
}

/// (year, month, day) of days since 1970-01-01 (Howard Hinnant's algorithm).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn ymd(days: i64) -> String {
    let (y, m, d) = civil(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// 2016-01-01 as days since the epoch.
const START_DAY: i64 = 16_801;
/// Ten years.
const SPAN_DAYS: i64 = 3_653;

fn person_name(rng: &mut Rng) -> String {
    let mut s = rng.pick(SURNAMES).to_string();
    for _ in 0..rng.range(1, 2) {
        s.push_str(GIVEN[rng.below(GIVEN.len())]);
    }
    s
}

fn plan(opts: &Options) -> Vec<PagePlan> {
    let mut rng = Rng::new(opts.seed);
    let tag_cdf = zipf_table(TAG_STEMS.len() * TAG_SUFFIXES.len());
    let total_share: usize = COLUMNS.iter().map(|c| c.share).sum();
    (0..opts.pages)
        .map(|i| {
            // Spread columns evenly by share (deterministic, exact proportions).
            let slot = (i * 7919) % total_share;
            let mut acc = 0;
            let column = COLUMNS
                .iter()
                .position(|c| {
                    acc += c.share;
                    slot < acc
                })
                .unwrap_or(4);
            let slug = format!("{}-{:06}", COLUMNS[column].dir, i);
            let day = START_DAY + rng.below(SPAN_DAYS as usize) as i64;
            let minute = rng.chance(0.4).then(|| rng.range(7 * 60, 22 * 60) as u32);
            let mut tags: Vec<usize> = Vec::new();
            let n_tags = rng.range(2, 5);
            while tags.len() < n_tags {
                let t = zipf(&mut rng, &tag_cdf);
                if !tags.contains(&t) {
                    tags.push(t);
                }
            }
            let branch = rng.below(30);
            let n_head = rng.range(3, 5);
            let headings: Vec<&'static str> = rng
                .distinct(HEADINGS.len(), n_head)
                .into_iter()
                .map(|k| HEADINGS[k])
                .collect();
            let title = page_title(&mut rng, column, day);
            PagePlan {
                column,
                slug,
                title,
                day,
                minute,
                tags,
                branch,
                headings,
            }
        })
        .collect()
}

fn page_title(rng: &mut Rng, column: usize, day: i64) -> String {
    let (year, month, _) = civil(day);
    match COLUMNS[column].kind {
        "member" => format!("{}：{}", person_name(rng), rng.pick(MEMBER_TITLES)),
        "book" => format!(
            "书目推荐：《{}》{}",
            rng.pick(BOOK_TITLES),
            rng.pick(&["", "读后", "导读", "学习笔记"])
        ),
        "exam" => format!(
            "{year}年{}思政练习（{}）",
            rng.pick(&EXAM_TYPES[..5]),
            rng.range(1, 30)
        ),
        "report" => format!(
            "{}{}{}志愿服务纪实",
            rng.pick(DISTRICTS),
            rng.pick(VENUES),
            rng.pick(SERVICES)
        ),
        _ => {
            let t = rng.pick(TOPICS);
            match rng.below(4) {
                0 => format!("学习{t}的几点体会"),
                1 => format!("{year}年{month}月{}心得", rng.pick(ACTS)),
                2 => format!(
                    "从{}到行动：读{t}",
                    rng.pick(&["书本", "课堂", "理论", "原著"])
                ),
                _ => format!(
                    "“{}”{}：{}",
                    rng.pick(QUOTES),
                    rng.pick(ACTS),
                    rng.pick(GOALS)
                ),
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Markdown bodies
// ---------------------------------------------------------------------------

fn sentence(rng: &mut Rng) -> String {
    match rng.below(9) {
        0 => format!(
            "{}，{}{}{}{}，{}{}。",
            rng.pick(TIMES),
            rng.pick(WHO),
            rng.pick(ADVS),
            rng.pick(VERBS),
            rng.pick(TOPICS),
            rng.pick(VERBS2),
            rng.pick(OBJECTS)
        ),
        1 => format!(
            "{}围绕**“{}”**{}，{}。",
            rng.pick(WHO),
            rng.pick(QUOTES),
            rng.pick(ACTS),
            rng.pick(RESULTS)
        ),
        2 => {
            let (n, p) = rng.pick(NEG_POS);
            format!("大家一致认为，学习{}不是{n}，而是{p}。", rng.pick(TOPICS))
        }
        3 => format!("{}表示：“{}”", rng.pick(WHO), rng.pick(SAYINGS)),
        4 => format!(
            "通过{}，{}进一步{}{}。",
            rng.pick(ACTIVITIES),
            rng.pick(WHO),
            rng.pick(VERBS2),
            rng.pick(OBJECTS)
        ),
        5 => format!(
            "{}是{}，{}要{}学习，做到{}。",
            rng.pick(TOPICS),
            rng.pick(DESCS),
            rng.pick(WHO),
            rng.pick(ADVS),
            rng.pick(GOALS)
        ),
        6 => format!(
            "在{}，{}{}，{}。",
            rng.pick(PLACES),
            rng.pick(WHO),
            rng.pick(ACTIVITIES),
            rng.pick(RESULTS)
        ),
        7 if rng.chance(0.3) => rng.pick(LATIN).to_string(),
        _ => format!(
            "**{}**是{}的重要内容，{}{}。",
            rng.pick(TOPICS),
            rng.pick(ACTS),
            rng.pick(WHO),
            rng.pick(RESULTS)
        ),
    }
}

/// A paragraph of `n` sentences, wrapped with soft line breaks after a `，`
/// or `。` once a line has ~28 characters (as editors' text often is).
fn paragraph(rng: &mut Rng, out: &mut String, n: usize) {
    let width = rng.range(24, 36);
    let mut line_chars = 0;
    for _ in 0..n {
        let s = sentence(rng);
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            out.push(c);
            line_chars += 1;
            if (c == '，' || c == '。') && line_chars >= width && chars.peek() != Some(&'”') {
                out.push('\n');
                line_chars = 0;
            }
        }
    }
    if out.ends_with('\n') {
        out.pop();
    }
    out.push_str("\n\n");
}

fn rel_link(from: &PagePlan, to: &PagePlan) -> String {
    if from.column == to.column {
        format!("{}.md", to.slug)
    } else {
        format!("../{}/{}.md", COLUMNS[to.column].dir, to.slug)
    }
}

fn body(rng: &mut Rng, plans: &[PagePlan], i: usize) -> String {
    let me = &plans[i];
    let target = rng.range(2048, 4000);
    let mut out = String::with_capacity(target + 1024);
    let n = rng.range(3, 5);
    paragraph(rng, &mut out, n);
    if rng.chance(0.5) {
        // Only the first heading is sure to be written (later ones stop at the size target).
        let h = me.headings[0];
        let _ = writeln!(out, "本文分几个部分，重点见下文[{h}](#{h})。\n");
    }
    if rng.chance(0.3) {
        out.push_str("<!-- more -->\n\n");
    }
    for (k, h) in me.headings.iter().enumerate() {
        if k > 0 && out.len() >= target {
            break;
        }
        let _ = writeln!(out, "## {h}\n");
        let n = rng.range(2, 4);
        paragraph(rng, &mut out, n);
        match rng.below(6) {
            0 | 1 => {
                for _ in 0..rng.range(3, 5) {
                    let _ = writeln!(
                        out,
                        "- {}{}，{}{}；",
                        rng.pick(VERBS),
                        rng.pick(TOPICS),
                        rng.pick(VERBS2),
                        rng.pick(OBJECTS)
                    );
                }
                out.push('\n');
            }
            2 => {
                for n in 1..=rng.range(3, 4) {
                    let _ = writeln!(
                        out,
                        "{n}. 每{}一次{}，有主题、有领学人、有讨论；",
                        rng.pick(&["月", "季度", "学期", "周"]),
                        rng.pick(FORMS)
                    );
                }
                out.push('\n');
            }
            3 => {
                out.push_str("| 时间 | 内容 | 形式 |\n| --- | --- | --- |\n");
                for _ in 0..rng.range(3, 5) {
                    let _ = writeln!(
                        out,
                        "| {} | 学习{} | {} |",
                        rng.pick(MONTHS_CN),
                        rng.pick(TOPICS),
                        rng.pick(FORMS)
                    );
                }
                out.push('\n');
            }
            4 => {
                let _ = writeln!(out, "> {}\n", rng.pick(SAYINGS));
            }
            _ => {}
        }
        if rng.chance(0.6) && plans.len() > 1 {
            let mut j = rng.below(plans.len());
            if j == i {
                j = (j + 1) % plans.len();
            }
            let other = &plans[j];
            let link = rel_link(me, other);
            if rng.chance(0.3) {
                let frag = other.headings[0];
                let _ = writeln!(
                    out,
                    "相关内容可以参阅[{}]({link}#{frag})中“{frag}”一节，\n也欢迎在支部学习群里交流讨论。\n",
                    other.title
                );
            } else {
                let _ = writeln!(out, "更多相关内容，可以阅读[{}]({link})。\n", other.title);
            }
        }
    }
    if rng.chance(0.1) {
        out.push_str("延伸阅读：[共产党员网](https://www.12371.cn/)。\n");
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

// ---------------------------------------------------------------------------
// Front matter
// ---------------------------------------------------------------------------

/// A YAML double-quoted string.
fn q(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            _ => o.push(c),
        }
    }
    o.push('"');
    o
}

fn isbn13(rng: &mut Rng, group: &str) -> String {
    let serial = format!("{:06}", rng.below(1_000_000));
    let digits = format!("9787{group}{serial}");
    let sum: u32 = digits
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    let check = (10 - sum % 10) % 10;
    format!("978-7-{group}-{serial}-{check}")
}

fn member_block(rng: &mut Rng, p: &PagePlan, out: &mut String) {
    let (year, _, _) = civil(p.day);
    let grade = year - rng.range(1, 4) as i64;
    let joined = (p.day - rng.range(30, 600) as i64).max(START_DAY - 400);
    let name = p.title.split('：').next().unwrap_or("张三");
    let _ = writeln!(out, "member:\n  name: {name}");
    let _ = writeln!(out, "  branch: {}", branch_name(p.branch));
    let _ = writeln!(out, "  grade: {grade}级");
    let _ = writeln!(out, "  major: {}", rng.pick(MAJORS));
    let _ = writeln!(out, "  joined: {}", ymd(joined));
    out.push_str("  honors:\n");
    let n = rng.range(1, 3);
    for k in rng.distinct(HONORS.len(), n) {
        let _ = writeln!(out, "    - {}", HONORS[k]);
    }
    let _ = writeln!(out, "  quote: {}", rng.pick(SAYINGS));
}

fn book_block(rng: &mut Rng, p: &PagePlan, out: &mut String) {
    let (year, _, _) = civil(p.day);
    let pub_year = year - rng.below(30) as i64;
    let title = p
        .title
        .split('《')
        .nth(1)
        .and_then(|s| s.split('》').next())
        .unwrap_or("共产党宣言")
        .to_string();
    match rng.below(10) {
        0 => {
            let (j, publisher) = rng.pick(JOURNALS);
            let _ = writeln!(
                out,
                "book:\n  title: {j}\n  authors: [{publisher}]\n  publisher: {publisher}\n  year: {year}\n  format: journal"
            );
        }
        1 => {
            let authors = rng.pick(&AUTHORS[10..13]);
            let start = rng.range(1, 90);
            let _ = writeln!(
                out,
                "book:\n  title: {}{}的几点思考\n  authors: [{authors}]\n  publisher: {}\n  year: {pub_year}\n  format: article\n  pages: {}-{}",
                rng.pick(TOPICS).trim_matches(['《', '》']),
                rng.pick(&["学习", "研究", "教育"]),
                rng.pick(NEWSPAPERS),
                start,
                start + rng.range(2, 12)
            );
        }
        2 => {
            let _ = writeln!(
                out,
                "book:\n  title: {}\n  authors: [学习强国]\n  year: {year}\n  format: video\n  link: https://www.example.com/video/{}",
                q(&format!(
                    "{}微党课",
                    rng.pick(TOPICS).trim_matches(['《', '》'])
                )),
                rng.below(100_000)
            );
        }
        _ => {
            let (publisher, group) = rng.pick(PUBLISHERS);
            let n_auth = rng.range(1, 3);
            let authors: Vec<&str> = rng
                .distinct(AUTHORS.len(), n_auth)
                .into_iter()
                .map(|k| AUTHORS[k])
                .collect();
            let _ = writeln!(out, "book:\n  title: {title}{}", rng.pick(BOOK_SUFFIXES));
            let _ = writeln!(out, "  authors: [{}]", authors.join(", "));
            let _ = writeln!(out, "  publisher: {publisher}");
            let _ = writeln!(out, "  year: {}", pub_year.max(1950));
            let _ = writeln!(out, "  isbn: {}", isbn13(rng, group));
            out.push_str("  format: book\n");
            if rng.chance(0.5) {
                let _ = writeln!(out, "  pages: {}", rng.range(80, 600));
            }
        }
    }
}

fn exam_block(rng: &mut Rng, p: &PagePlan, out: &mut String) {
    let (year, _, _) = civil(p.day);
    let exam_type = p
        .title
        .strip_prefix(&format!("{year}年"))
        .and_then(|s| EXAM_TYPES.iter().find(|t| s.starts_with(*t)))
        .copied()
        .unwrap_or("其他");
    let _ = writeln!(
        out,
        "exam:\n  type: {exam_type}\n  year: {year}\n  source: 支部学习小组自编"
    );
    let _ = writeln!(out, "  time_limit: {}", rng.range(2, 12) * 5);
    out.push_str("  questions:\n");
    for _ in 0..rng.range(3, 6) {
        let topic = rng.pick(TOPICS);
        match rng.below(10) {
            0..=3 => {
                let n = rng.range(4, 5);
                let opts: Vec<&str> = rng
                    .distinct(OPTION_POOL.len(), n)
                    .into_iter()
                    .map(|k| OPTION_POOL[k])
                    .collect();
                let answer = (b'A' + rng.below(n) as u8) as char;
                let _ = writeln!(out, "    - type: single");
                let _ = writeln!(
                    out,
                    "      stem: {}",
                    q(&rng.pick(STEMS).replace("{t}", topic))
                );
                let _ = writeln!(out, "      options: [{}]", opts.join(", "));
                let _ = writeln!(out, "      answer: \"{answer}\"");
                let _ = writeln!(
                    out,
                    "      explanation: {}",
                    q(&format!(
                        "本题考查对**{topic}**的理解，{}。",
                        rng.pick(SAYINGS).trim_end_matches('。')
                    ))
                );
            }
            4..=6 => {
                let n = rng.range(4, 6);
                let opts: Vec<&str> = rng
                    .distinct(OPTION_POOL.len(), n)
                    .into_iter()
                    .map(|k| OPTION_POOL[k])
                    .collect();
                let k = rng.range(2, n.min(4));
                let mut ans: Vec<usize> = rng.distinct(n, k);
                ans.sort_unstable();
                let letters: Vec<String> = ans
                    .iter()
                    .map(|&k| format!("\"{}\"", (b'A' + k as u8) as char))
                    .collect();
                let _ = writeln!(out, "    - type: multiple");
                let _ = writeln!(
                    out,
                    "      stem: {}",
                    q(&format!("下列属于{topic}基本要求的有（　）。"))
                );
                out.push_str("      options:\n");
                for o in &opts {
                    let _ = writeln!(out, "        - {o}");
                }
                let _ = writeln!(out, "      answer: [{}]", letters.join(", "));
                let _ = writeln!(
                    out,
                    "      explanation: {}",
                    q(&format!("正确选项体现了“{}”的要求。", rng.pick(GOALS)))
                );
                let _ = writeln!(out, "      score: 2");
            }
            7 | 8 => {
                let stem = rng.pick(JUDGE_STEMS).replace("{t}", topic);
                let answer = !(stem.contains("只需要") || stem.contains("没有直接关系"));
                let _ = writeln!(out, "    - type: judge");
                let _ = writeln!(out, "      stem: {}", q(&stem));
                let _ = writeln!(out, "      answer: {answer}");
                let _ = writeln!(
                    out,
                    "      explanation: {}",
                    q(SAYINGS[rng.below(SAYINGS.len())])
                );
            }
            _ => {
                let _ = writeln!(out, "    - type: short");
                let _ = writeln!(
                    out,
                    "      stem: {}",
                    q(&rng.pick(SHORT_STEMS).replace("{t}", topic))
                );
                out.push_str("      answer: |\n        要点提示：\n\n");
                for k in 1..=3 {
                    let _ = writeln!(
                        out,
                        "        {k}. {}{}，{}{}；",
                        rng.pick(VERBS),
                        rng.pick(TOPICS),
                        rng.pick(VERBS2),
                        rng.pick(OBJECTS)
                    );
                }
                let _ = writeln!(
                    out,
                    "      explanation: {}",
                    q(&format!(
                        "开放性题目，围绕**{}**作答即可。",
                        rng.pick(GOALS)
                    ))
                );
                let _ = writeln!(out, "      score: {}", rng.range(3, 10));
            }
        }
    }
}

fn report_block(rng: &mut Rng, p: &PagePlan, out: &mut String) {
    let held = p.day - rng.range(1, 10) as i64;
    let venue = rng.pick(VENUES);
    let district = rng.pick(DISTRICTS);
    let _ = writeln!(out, "report:\n  date: {}", ymd(held));
    let _ = writeln!(out, "  location: 示例市{district}{venue}");
    let _ = writeln!(out, "  base: 示例市{district}{venue}志愿服务基地");
    let hours = rng.range(2, 16);
    if rng.chance(0.2) {
        let _ = writeln!(out, "  hours: {hours}.5");
    } else {
        let _ = writeln!(out, "  hours: {hours}");
    }
    let _ = writeln!(out, "  participants: {}", rng.range(5, 60));
    let _ = writeln!(out, "  organizer: {}", branch_name(p.branch));
}

fn date_value(p: &PagePlan) -> String {
    match p.minute {
        Some(m) => format!("{}T{:02}:{:02}:00+08:00", ymd(p.day), m / 60, m % 60),
        None => ymd(p.day),
    }
}

fn page_file(rng: &mut Rng, plans: &[PagePlan], i: usize) -> (String, usize) {
    let p = &plans[i];
    let mut fm = String::with_capacity(1024);
    fm.push_str("---\n");
    let _ = writeln!(fm, "title: {}", q(&p.title));
    let _ = writeln!(fm, "date: {}", date_value(p));
    if rng.chance(0.1) {
        let _ = writeln!(fm, "updated: {}", ymd(p.day + rng.range(1, 60) as i64));
    }
    let tags: Vec<String> = p.tags.iter().map(|&t| tag_name(t)).collect();
    let _ = writeln!(fm, "tags: [{}]", tags.join(", "));
    let _ = writeln!(fm, "branch: {}", branch_name(p.branch));
    let _ = writeln!(fm, "author: {}", branch_name(p.branch));
    if rng.chance(0.1) {
        let _ = writeln!(fm, "summary: {}", q(&sentence(rng)));
    }
    match COLUMNS[p.column].kind {
        "member" => member_block(rng, p, &mut fm),
        "book" => book_block(rng, p, &mut fm),
        "exam" => exam_block(rng, p, &mut fm),
        "report" => report_block(rng, p, &mut fm),
        _ => {}
    }
    fm.push_str("---\n\n");
    let b = body(rng, plans, i);
    let body_len = b.len();
    fm.push_str(&b);
    fm.push('\n');
    (fm, body_len)
}

// ---------------------------------------------------------------------------
// Site files
// ---------------------------------------------------------------------------

const TITLE: &str = "示例大学学生党支部学习专栏";
const DESCRIPTION: &str =
    "示例大学各学生党支部的学习园地：先进事迹、书目推荐、真题练习、志愿服务与学习心得。";
const BASE_URL: &str = "https://www.example.edu.cn/dangjian/";

fn lanmu_config() -> String {
    format!(
        "# Benchmark corpus generated by examples/gen_corpus.rs\n\
         title: {TITLE}\n\
         description: {DESCRIPTION}\n\
         base_url: {BASE_URL}\n\
         language: zh-CN\n\
         taxonomies: [tags, branch]\n\
         paginate_by: 10\n\
         author: 示例大学学生党总支\n\
         feeds:\n  limit: 20\n\
         extra:\n  footer: 示例大学学生党支部 · 基准测试语料，人物与事件均为虚构\n"
    )
}

fn column_index(c: &ColumnDef, hugo: bool) -> String {
    let kind = if hugo {
        format!("params:\n  lanmu_kind: {}\n", c.kind)
    } else {
        format!("kind: {}\nsort_by: date\n", c.kind)
    };
    format!(
        "---\ntitle: {}\ndescription: {}\n{kind}weight: {}\n---\n\n{}\n",
        c.title, c.description, c.weight, c.intro
    )
}

const HOME_INDEX: &str = "---\ntitle: 首页\n---\n\n欢迎来到示例大学学生党支部学习专栏。这里汇集了各支部党员和入党积极分子\n在理论学习、志愿服务、备考交流中的点滴收获。\n";

fn write(path: &Path, text: &str) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, text)
}

/// Writes the corpus described by `opts`.
pub fn generate(opts: &Options) -> io::Result<Summary> {
    let out = &opts.out;
    let content = out.join("content");
    if content.exists() {
        std::fs::remove_dir_all(&content)?;
    }
    std::fs::create_dir_all(&content)?;
    let hugo = opts.format == Format::Hugo;
    if hugo {
        hugo_site::write_files(out)?;
    } else {
        write(&out.join("config.yaml"), &lanmu_config())?;
    }
    write(&content.join("_index.md"), HOME_INDEX)?;
    for c in &COLUMNS {
        write(
            &content.join(c.dir).join("_index.md"),
            &column_index(c, hugo),
        )?;
    }
    let plans = plan(opts);
    let seed = opts.seed;
    let sizes: Vec<(usize, usize)> = (0..plans.len())
        .into_par_iter()
        .map(|i| {
            let mut rng = Rng::new(
                seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)
                    ^ (i as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93),
            );
            let (text, body_len) = page_file(&mut rng, &plans, i);
            let p = &plans[i];
            let path = content
                .join(COLUMNS[p.column].dir)
                .join(format!("{}.md", p.slug));
            std::fs::write(&path, &text).map(|_| (body_len, text.len()))
        })
        .collect::<io::Result<_>>()?;
    let mut used = vec![false; TAG_STEMS.len() * TAG_SUFFIXES.len()];
    for p in &plans {
        for &t in &p.tags {
            used[t] = true;
        }
    }
    Ok(Summary {
        pages: plans.len(),
        body_bytes: sizes.iter().map(|s| s.0).sum(),
        file_bytes: sizes.iter().map(|s| s.1).sum(),
        tags_used: used.iter().filter(|u| **u).count(),
        per_column: COLUMNS
            .iter()
            .enumerate()
            .map(|(k, c)| (c.dir, plans.iter().filter(|p| p.column == k).count()))
            .collect(),
    })
}

/// The Hugo flavour: configuration and minimal layouts doing the same work
/// as lanmu's default theme (single pages with TOC, terms and prev/next,
/// paginated column and term lists, the term index, RSS for home, sections
/// and terms, sitemap, robots.txt, 404, `.md` link resolution).
mod hugo_site {
    use std::io;
    use std::path::Path;

    const CONFIG: &str = r#"# Benchmark corpus generated by examples/gen_corpus.rs (Hugo flavour)
baseURL: https://www.example.edu.cn/dangjian/
title: 示例大学学生党支部学习专栏
locale: zh-CN
defaultContentLanguage: zh
hasCJKLanguage: true
enableRobotsTXT: true
timeZone: Asia/Shanghai
taxonomies:
  tag: tags
  branch: branch
pagination:
  pagerSize: 10
services:
  rss:
    limit: 20
outputs:
  home: [html, rss]
  section: [html, rss]
  taxonomy: [html]
  term: [html, rss]
params:
  description: 示例大学各学生党支部的学习园地：先进事迹、书目推荐、真题练习、志愿服务与学习心得。
markup:
  goldmark:
    extensions:
      cjk:
        enable: true
        eastAsianLineBreaks: true
        escapedSpace: true
    renderer:
      unsafe: true
    parser:
      autoHeadingIDType: github
  tableOfContents:
    startLevel: 2
    endLevel: 3
"#;

    const BASEOF: &str = r#"<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ .Title }} - {{ site.Title }}{{ end }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ with .Summary }}{{ . | plainify }}{{ else }}{{ site.Params.description }}{{ end }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
{{ range .AlternativeOutputFormats }}<link rel="{{ .Rel }}" type="{{ .MediaType.Type }}" href="{{ .Permalink }}" title="{{ site.Title }}">{{ end }}
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
</head>
<body>
<header class="site-header"><a class="brand" href="{{ "" | relURL }}">{{ site.Title }}</a>
<nav><ul>{{ range site.Sections.ByWeight }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
<li><a href="{{ "tags/" | relURL }}">标签</a></li></ul></nav>
</header>
<main id="main">{{ block "main" . }}{{ end }}</main>
<footer class="site-footer"><p>示例大学学生党支部 · 基准测试语料</p><p><a href="{{ "index.xml" | relURL }}">RSS</a></p></footer>
</body>
</html>
"#;

    const SINGLE: &str = r#"{{ define "main" }}
<article class="article">
  <header class="article-header">
    {{ with .Parent }}{{ if not .IsHome }}<p class="kicker"><a href="{{ .RelPermalink }}">{{ .Title }}</a></p>{{ end }}{{ end }}
    <h1>{{ .Title }}</h1>
    <p class="meta"><time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2006年1月2日" }}</time>
    {{ if ne .Lastmod .Date }}<span>更新于 {{ .Lastmod.Format "2006年1月2日" }}</span>{{ end }}
    {{ with .Params.author }}<span>{{ . }}</span>{{ end }}<span>约 {{ .ReadingTime }} 分钟</span></p>
  </header>
  {{ with .Params.member }}<aside class="member"><h2>{{ .name }}</h2><p>{{ .branch }} · {{ .grade }} · {{ .major }}</p>
    <ul>{{ range .honors }}<li>{{ . }}</li>{{ end }}</ul>{{ with .quote }}<blockquote>{{ . }}</blockquote>{{ end }}</aside>{{ end }}
  {{ with .Params.book }}<aside class="book"><h2>{{ .title }}</h2><p>{{ delimit .authors ", " }}{{ with .publisher }} · {{ . }}{{ end }}{{ with .year }} · {{ . }}{{ end }}</p>{{ with .isbn }}<p>ISBN {{ . }}</p>{{ end }}</aside>{{ end }}
  {{ with .Params.report }}<aside class="report"><dl><dt>时间</dt><dd>{{ .date }}</dd><dt>地点</dt><dd>{{ .location }}</dd><dt>时长</dt><dd>{{ .hours }} 小时</dd><dt>人数</dt><dd>{{ .participants }}</dd></dl></aside>{{ end }}
  {{ with .Params.exam }}<section class="exam"><p>{{ .type }} · {{ .year }}</p><ol>{{ range .questions }}<li class="q-{{ .type }}">{{ .stem | markdownify }}
    {{ with .options }}<ol type="A">{{ range . }}<li>{{ . | markdownify }}</li>{{ end }}</ol>{{ end }}
    <details><summary>答案</summary>{{ if eq .type "short" }}{{ .answer | markdownify }}{{ else }}{{ .answer }}{{ end }}{{ with .explanation }}{{ . | markdownify }}{{ end }}</details></li>{{ end }}</ol></section>{{ end }}
  {{ if gt (len .Fragments.Headings) 0 }}<details class="toc"><summary>目录</summary>{{ .TableOfContents }}</details>{{ end }}
  <div class="prose">{{ .Content }}</div>
  <footer class="article-footer">
    {{ range $tax := slice "tags" "branch" }}{{ with $.GetTerms $tax }}<div class="terms"><ul class="tags">{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul></div>{{ end }}{{ end }}
  </footer>
</article>
<nav class="prev-next">
  {{ with .NextInSection }}<a class="prev" rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
  {{ with .PrevInSection }}<a class="next" rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
</nav>
{{ end }}
"#;

    const CARD: &str = r#"<article class="card"><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p class="meta"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006年1月2日" }}</time>{{ with .Parent }} · <a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</p>
<p class="summary">{{ .Summary | plainify | truncate 120 }}</p>
{{ with .GetTerms "tags" }}<ul class="tags">{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}</article>
"#;

    const PAGER: &str = r#"{{ $p := .Paginator }}{{ if gt $p.TotalPages 1 }}<nav class="pagination">
{{ with $p.Prev }}<a rel="prev" href="{{ .URL }}">上一页</a>{{ end }}
<span>{{ $p.PageNumber }} / {{ $p.TotalPages }}</span>
{{ with $p.Next }}<a rel="next" href="{{ .URL }}">下一页</a>{{ end }}</nav>{{ end }}
"#;

    const LIST: &str = r#"{{ define "main" }}
<header class="list-header"><h1>{{ .Title }}</h1>{{ with .Description }}<p class="lead">{{ . }}</p>{{ end }}
{{ if eq .Paginator.PageNumber 1 }}<div class="prose">{{ .Content }}</div>{{ end }}
<p class="meta">共 {{ len .RegularPages }} 篇 <a href="{{ with .OutputFormats.Get "rss" }}{{ .RelPermalink }}{{ end }}">RSS</a></p></header>
<div class="cards">{{ range .Paginator.Pages }}{{ partial "card.html" . }}{{ end }}</div>
{{ partial "pager.html" . }}
{{ end }}
"#;

    const HOME: &str = r#"{{ define "main" }}
<section class="intro">{{ .Content }}</section>
{{ range site.Sections.ByWeight }}<section class="home-section"><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<div class="cards">{{ range first 5 .RegularPages }}{{ partial "card.html" . }}{{ end }}</div></section>{{ end }}
<section class="latest"><h2>最新</h2><div class="cards">{{ range first 10 site.RegularPages }}{{ partial "card.html" . }}{{ end }}</div></section>
<section class="popular"><h2>热门标签</h2><ul class="tags">{{ range first 20 site.Taxonomies.tags.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }} {{ .Count }}</a></li>{{ end }}</ul></section>
{{ end }}
"#;

    const TERMS: &str = r#"{{ define "main" }}
<header class="list-header"><h1>{{ .Title }}</h1></header>
<ul class="term-cloud">{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}<span class="count">{{ .Count }}</span></a></li>{{ end }}</ul>
{{ end }}
"#;

    const TERM: &str = r#"{{ define "main" }}
<header class="list-header"><p class="kicker"><a href="{{ .Parent.RelPermalink }}">{{ .Parent.Title }}</a></p><h1>“{{ .Title }}”相关文章</h1>
<p class="meta">共 {{ len .Pages }} 篇 <a href="{{ with .OutputFormats.Get "rss" }}{{ .RelPermalink }}{{ end }}">RSS</a></p></header>
<div class="cards">{{ range .Paginator.Pages }}{{ partial "card.html" . }}{{ end }}</div>
{{ partial "pager.html" . }}
{{ end }}
"#;

    const NOT_FOUND: &str = r#"{{ define "main" }}<h1>页面不存在</h1><p><a href="{{ "" | relURL }}">返回首页</a></p>{{ end }}
"#;

    /// Resolves relative `.md` links like lanmu does (and fails on broken ones).
    const RENDER_LINK: &str = r#"{{- $u := urls.Parse .Destination -}}
{{- $href := .Destination -}}
{{- if and (not $u.IsAbs) (strings.HasSuffix $u.Path ".md") -}}
  {{- with .PageInner.GetPage (path.Join "/" .PageInner.File.Dir $u.Path) -}}
    {{- $href = .RelPermalink -}}
    {{- with $u.Fragment }}{{ $href = printf "%s#%s" $href (anchorize .) }}{{ end -}}
  {{- else -}}
    {{- errorf "broken link %q in %s" $.Destination $.PageInner.File.Path -}}
  {{- end -}}
{{- end -}}
<a href="{{ $href | safeURL }}"{{ with .Title }} title="{{ . }}"{{ end }}>{{ .Text | safeHTML }}</a>
{{- /* keep */ -}}"#;

    const STYLE: &str = "body{font-family:sans-serif;max-width:46rem;margin:auto}\n";

    pub fn write_files(out: &Path) -> io::Result<()> {
        let files: [(&str, &str); 12] = [
            ("hugo.yaml", CONFIG),
            ("layouts/_default/baseof.html", BASEOF),
            ("layouts/_default/single.html", SINGLE),
            ("layouts/_default/list.html", LIST),
            ("layouts/_default/terms.html", TERMS),
            ("layouts/_default/term.html", TERM),
            ("layouts/_default/_markup/render-link.html", RENDER_LINK),
            ("layouts/index.html", HOME),
            ("layouts/404.html", NOT_FOUND),
            ("layouts/partials/card.html", CARD),
            ("layouts/partials/pager.html", PAGER),
            ("static/style.css", STYLE),
        ];
        if out.join("layouts").exists() {
            std::fs::remove_dir_all(out.join("layouts"))?;
        }
        for (rel, text) in files {
            super::write(&out.join(rel), text)?;
        }
        Ok(())
    }
}

#[allow(dead_code)]
fn usage() -> ! {
    eprintln!("usage: gen_corpus --pages N --out DIR [--seed S] [--format lanmu|hugo]");
    std::process::exit(2)
}

#[allow(dead_code)]
fn main() {
    let mut pages = None;
    let mut out = None;
    let mut seed = 1u64;
    let mut format = Format::Lanmu;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--pages" => pages = val().parse().ok(),
            "--out" => out = Some(PathBuf::from(val())),
            "--seed" => seed = val().parse().unwrap_or_else(|_| usage()),
            "--format" => {
                format = match val().as_str() {
                    "lanmu" => Format::Lanmu,
                    "hugo" => Format::Hugo,
                    _ => usage(),
                }
            }
            "-h" | "--help" => usage(),
            _ => usage(),
        }
    }
    let (Some(pages), Some(out)) = (pages, out) else {
        usage()
    };
    let opts = Options {
        pages,
        out,
        seed,
        format,
    };
    let start = std::time::Instant::now();
    match generate(&opts) {
        Ok(s) => {
            let cols: Vec<String> = s
                .per_column
                .iter()
                .map(|(d, n)| format!("{d} {n}"))
                .collect();
            println!(
                "generated {} pages ({:?}) in {} in {:.2?}: {:.1} MB of page files, {:.2} KB Markdown body per page on average, {} tags used; {}",
                s.pages,
                opts.format,
                opts.out.display(),
                start.elapsed(),
                s.file_bytes as f64 / 1e6,
                s.body_bytes as f64 / s.pages.max(1) as f64 / 1024.0,
                s.tags_used,
                cols.join(", ")
            );
        }
        Err(e) => {
            eprintln!("gen_corpus: {e}");
            std::process::exit(1);
        }
    }
}
