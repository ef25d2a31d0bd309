//! Site language: theme strings and the language of messages.

use std::collections::BTreeMap;

/// The languages lanmu speaks. `zh-CN` is the default; `en` is for sites and
/// editors that need English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Simplified Chinese (`zh-CN`).
    #[default]
    Zh,
    /// English (`en`).
    En,
}

impl Lang {
    /// Parses a `language:` value; anything starting with `zh` is Chinese.
    pub fn from_code(code: &str) -> Option<Lang> {
        let c = code.trim().to_ascii_lowercase();
        if c.starts_with("zh") {
            Some(Lang::Zh)
        } else if c.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// Picks the string for this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// Theme strings, available to templates as the `trans(key="...")` function
/// and the `i18n` map. Sites override or add entries under `extra.i18n` in
/// `config.yaml`.
const STRINGS: &[(&str, &str, &str)] = &[
    ("home", "首页", "Home"),
    ("skip_to_content", "跳到正文", "Skip to content"),
    ("menu", "栏目导航", "Menu"),
    ("breadcrumbs", "当前位置", "You are here"),
    ("tags", "标签", "Tags"),
    ("all_tags", "全部标签", "All tags"),
    ("branch", "支部", "Branch"),
    ("author", "作者", "Author"),
    ("published", "发布于", "Published"),
    ("updated", "更新于", "Updated"),
    ("reading_time", "阅读约 {n} 分钟", "{n} min read"),
    ("read_more", "阅读全文", "Read more"),
    ("latest", "最新文章", "Latest"),
    ("more", "更多", "More"),
    ("previous", "上一篇", "Previous"),
    ("next", "下一篇", "Next"),
    ("prev_page", "上一页", "Previous page"),
    ("next_page", "下一页", "Next page"),
    ("page_n", "第 {n} 页", "Page {n}"),
    ("pagination", "分页", "Pagination"),
    ("toc", "目录", "Contents"),
    ("pages_count", "{n} 篇", "{n} pages"),
    ("no_pages", "暂无内容。", "Nothing here yet."),
    ("feeds", "订阅", "Feeds"),
    ("rss", "RSS 订阅", "RSS feed"),
    ("atom", "Atom 订阅", "Atom feed"),
    ("sitemap", "网站地图", "Sitemap"),
    ("not_found", "页面未找到", "Page not found"),
    (
        "not_found_text",
        "您访问的页面不存在或已被移动。",
        "The page you are looking for does not exist or has moved.",
    ),
    ("back_home", "返回首页", "Back to home"),
    (
        "redirecting",
        "页面已迁移，3 秒后自动跳转",
        "This page has moved; redirecting in 3 seconds",
    ),
    ("columns", "栏目", "Columns"),
    ("term_pages", "“{term}”相关内容", "Pages tagged “{term}”"),
    ("dark_mode", "切换深色模式", "Toggle dark mode"),
    ("search", "搜索", "Search"),
    // Column kinds (templates page-*.html / column-*.html).
    ("book_authors", "作者", "Authors"),
    ("book_card", "图书信息", "Book details"),
    (
        "book_cite",
        "参考文献格式（GB/T 7714）",
        "Citation (GB/T 7714)",
    ),
    ("book_cover", "封面", "Cover"),
    ("book_link", "链接", "Link"),
    ("book_pages", "页数", "Pages"),
    ("book_publisher", "出版", "Publisher"),
    ("book_source", "刊载于", "Published in"),
    ("book_year", "年份", "Year"),
    ("exam_answer", "答案", "Answer"),
    ("exam_answer_key", "参考答案", "Answer key"),
    (
        "exam_answer_summary",
        "查看答案与解析",
        "Show answer and explanation",
    ),
    ("exam_count", "题量", "Questions"),
    ("exam_count_unit", "题", ""),
    ("exam_explanation", "解析", "Explanation"),
    ("exam_false", "错误", "False"),
    ("exam_info", "试卷信息", "About this set"),
    ("exam_minutes", "分钟", "min"),
    (
        "exam_no_reference",
        "本题没有参考答案。",
        "No reference answer.",
    ),
    ("exam_questions", "练习题", "Questions"),
    ("exam_record", "练习记录", "Study record"),
    ("exam_reference", "参考答案", "Reference answer"),
    ("exam_reset", "重新作答", "Start again"),
    ("exam_score_unit", "分", "pts"),
    (
        "exam_short_placeholder",
        "在这里写下你的答案",
        "Write your answer here",
    ),
    ("exam_show_answers", "显示答案", "Show answers"),
    ("exam_source", "来源", "Source"),
    ("exam_submit", "交卷评分", "Submit"),
    ("exam_time_left", "剩余时间", "Time left"),
    ("exam_time_limit", "建议用时", "Time limit"),
    ("exam_total", "总分", "Total"),
    ("exam_true", "正确", "True"),
    ("exam_type", "类别", "Exam"),
    ("exam_wrongbook", "我的错题本", "My wrong answers"),
    ("exam_year", "年份", "Year"),
    ("exam_your_answer", "你的答案", "Your answer"),
    ("member_grade", "年级", "Year"),
    ("member_honors", "荣誉", "Honours"),
    ("member_joined", "入党时间", "Joined the Party"),
    ("member_major", "专业", "Major"),
    ("member_profile", "个人简介", "Profile"),
    ("report_base", "实践基地", "Practice base"),
    ("report_date", "活动日期", "Date"),
    ("report_facts", "活动信息", "Activity facts"),
    ("report_hours", "服务时长", "Volunteer hours"),
    ("report_hours_unit", "小时", "h"),
    ("report_location", "活动地点", "Location"),
    ("report_organizer", "组织单位", "Organiser"),
    ("report_participants", "参与人数", "Participants"),
    ("report_people_unit", "人", ""),
    ("report_photos", "活动照片", "Photos"),
    ("search_placeholder", "输入关键词，如：两学一做", "Keywords"),
    ("searching", "正在搜索……", "Searching…"),
    ("search_count", "找到 {n} 条结果", "{n} results"),
    ("search_more", "显示更多结果", "More results"),
    (
        "search_error",
        "搜索索引加载失败。",
        "The search index could not be loaded.",
    ),
    (
        "search_noscript",
        "搜索需要启用 JavaScript。",
        "Search needs JavaScript.",
    ),
    // Exam column tools (practice.html, wrongbook.html, record.html) and statistics (stats.html).
    ("exam_tools", "练习工具", "Practice tools"),
    ("practice", "整卷练习", "Practice"),
    (
        "practice_intro",
        "从本栏目全部 {n} 道题中按条件抽题练习，交卷后自动评分，答错的题会记入错题本。",
        "Draw questions from all {n} questions of this column; submit to see your score, and wrong answers go into your wrong-answer book.",
    ),
    ("practice_filter", "选题条件", "Choose questions"),
    ("practice_exam_type", "考试类别", "Exam"),
    ("practice_year", "年份", "Year"),
    ("practice_tag", "标签", "Tag"),
    ("practice_any", "全部", "All"),
    ("practice_count", "题数", "Number of questions"),
    ("practice_random", "随机顺序", "Random order"),
    ("practice_start", "开始练习", "Start"),
    (
        "practice_empty",
        "本栏目还没有题目。",
        "This column has no questions yet.",
    ),
    (
        "practice_noscript",
        "整卷练习需要启用 JavaScript；也可以打开栏目中的各套试卷直接练习。",
        "Practice needs JavaScript; you can also open each question set of the column.",
    ),
    ("wrongbook", "错题本", "Wrong answers"),
    (
        "wrongbook_intro",
        "这里是你在本栏目答错的题。重新作答并交卷：答对的题会从错题本中移除，答错的继续保留。",
        "These are the questions of this column you answered wrongly. Answer them again and submit: right answers leave the book, wrong ones stay.",
    ),
    (
        "wrongbook_clear",
        "清空错题本",
        "Clear the wrong-answer book",
    ),
    ("study_record", "我的学习记录", "My study record"),
    ("record_scores", "练习成绩", "Scores"),
    ("record_pages", "读过的页面", "Pages read"),
    ("record_clear", "清空学习记录", "Clear the record"),
    (
        "local_only",
        "这些记录只保存在你这台设备的这个浏览器里（localStorage），不会上传到网站；换浏览器、使用无痕模式或清除浏览器数据后就没有了。",
        "These records are kept only in this browser on this device (localStorage) and are never sent to the site; another browser, private mode or clearing browser data loses them.",
    ),
    (
        "tools_noscript",
        "错题本和学习记录需要启用 JavaScript。",
        "The wrong-answer book and the study record need JavaScript.",
    ),
    ("stats", "数据统计", "Statistics"),
    (
        "stats_intro",
        "本站内容的统计，每次生成网站时重新计算。",
        "Figures about the site's content, computed each time the site is built.",
    ),
    ("stats_overview", "总览", "Overview"),
    ("stats_data", "查看数据表", "Show the data table"),
];

/// The theme strings for `lang`, merged with the site's overrides.
pub fn strings(lang: Lang, overrides: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut m: BTreeMap<String, String> = STRINGS
        .iter()
        .map(|(k, zh, en)| (k.to_string(), lang.pick(zh, en).to_string()))
        .collect();
    for (k, v) in overrides {
        m.insert(k.clone(), v.clone());
    }
    m
}
