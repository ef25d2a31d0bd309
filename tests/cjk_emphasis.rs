//! Tests for the CJK passes in `src/markdown/cjk.rs`.
//!
//! The module is compiled straight from its file so that these tests do not
//! depend on how the rest of the crate is wired together.

#[path = "../src/markdown/cjk.rs"]
mod cjk;

use cjk::{
    CjkEmphasisOptions, SingleTilde, cjk_friendly_emphasis, cjk_friendly_emphasis_with_options,
    drop_cjk_soft_breaks, is_cjk,
};
use pulldown_cmark::{Event, Options, Parser, TagEnd, html::push_html};
use std::ops::Range;

type Spanned<'a> = (Event<'a>, Range<usize>);

fn options() -> Options {
    Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES
}

fn parse(src: &str, opts: Options) -> Vec<Spanned<'_>> {
    Parser::new_ext(src, opts).into_offset_iter().collect()
}

fn to_html(events: Vec<Spanned<'_>>) -> String {
    let mut html = String::new();
    push_html(&mut html, events.into_iter().map(|(e, _)| e));
    html
}

/// pulldown-cmark alone.
fn plain(src: &str) -> String {
    to_html(parse(src, options()))
}

/// pulldown-cmark followed by the CJK emphasis pass.
fn render(src: &str) -> String {
    to_html(cjk_friendly_emphasis(src, parse(src, options())))
}

/// pulldown-cmark followed by the soft-break pass.
fn render_breaks(src: &str) -> String {
    to_html(drop_cjk_soft_breaks(parse(src, options())))
}

fn check_table(cases: &[(&str, &str)]) {
    let mut failures = Vec::new();
    for (md, expected) in cases {
        let got = render(md);
        if got.trim_end() != *expected {
            failures.push(format!(
                "input:    {md:?}\nexpected: {expected}\ngot:      {}",
                got.trim_end()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// Cases from the markdown-cjk-friendly repository (`testcases/*.md`), with
/// the HTML its reference implementations produce (pulldown-cmark does not
/// escape `"` in text, otherwise identical).
#[test]
fn spec_testcases_strong() {
    check_table(&[
        (
            "これは**私のやりたかったこと。**だからするの。",
            "<p>これは<strong>私のやりたかったこと。</strong>だからするの。</p>",
        ),
        (
            "**[製品ほげ](./product-foo)**と**[製品ふが](./product-bar)**をお試しください",
            "<p><strong><a href=\"./product-foo\">製品ほげ</a></strong>と<strong><a href=\"./product-bar\">製品ふが</a></strong>をお試しください</p>",
        ),
        (
            "単語と**[単語と](word-and)**単語",
            "<p>単語と<strong><a href=\"word-and\">単語と</a></strong>単語</p>",
        ),
        (
            "**これは太字になりません。**ご注意ください。",
            "<p><strong>これは太字になりません。</strong>ご注意ください。</p>",
        ),
        (
            "カッコに注意**（太字にならない）**文が続く場合に要警戒。",
            "<p>カッコに注意<strong>（太字にならない）</strong>文が続く場合に要警戒。</p>",
        ),
        (
            "**[リンク](https://example.com)**も注意。（画像も同様）",
            "<p><strong><a href=\"https://example.com\">リンク</a></strong>も注意。（画像も同様）</p>",
        ),
        (
            "先頭の**\\`コード\\`も注意。**",
            "<p>先頭の<strong>`コード`も注意。</strong></p>",
        ),
        (
            "**末尾の\\`コード\\`**も注意。",
            "<p><strong>末尾の`コード`</strong>も注意。</p>",
        ),
        (
            "税込**¥10,000**で入手できます。",
            "<p>税込<strong>¥10,000</strong>で入手できます。</p>",
        ),
        ("正解は**④**です。", "<p>正解は<strong>④</strong>です。</p>"),
        (
            "太郎は**「こんにちわ」**といった",
            "<p>太郎は<strong>「こんにちわ」</strong>といった</p>",
        ),
        (
            "太郎は**\"こんにちわ\"**といった",
            "<p>太郎は<strong>\"こんにちわ\"</strong>といった</p>",
        ),
        (
            "太郎は**こんにちわ**といった",
            "<p>太郎は<strong>こんにちわ</strong>といった</p>",
        ),
        (
            "太郎は**「Hello」**といった",
            "<p>太郎は<strong>「Hello」</strong>といった</p>",
        ),
        (
            "太郎は**\"Hello\"**といった",
            "<p>太郎は<strong>\"Hello\"</strong>といった</p>",
        ),
        (
            "太郎は**Hello**といった",
            "<p>太郎は<strong>Hello</strong>といった</p>",
        ),
        (
            "太郎は**「Oh my god」**といった",
            "<p>太郎は<strong>「Oh my god」</strong>といった</p>",
        ),
        (
            "太郎は**\"Oh my god\"**といった",
            "<p>太郎は<strong>\"Oh my god\"</strong>といった</p>",
        ),
        (
            "太郎は**Oh my god**といった",
            "<p>太郎は<strong>Oh my god</strong>といった</p>",
        ),
        (
            "**C#**や**F#**は**「.NET」**というプラットフォーム上で動作します。",
            "<p><strong>C#</strong>や<strong>F#</strong>は<strong>「.NET」</strong>というプラットフォーム上で動作します。</p>",
        ),
        (
            "IDが**001号**になります。",
            "<p>IDが<strong>001号</strong>になります。</p>",
        ),
        (
            "IDが**００１号**になります。",
            "<p>IDが<strong>００１号</strong>になります。</p>",
        ),
        (
            "Go**「初心者」**を対象とした記事です。",
            "<p>Go<strong>「初心者」</strong>を対象とした記事です。</p>",
        ),
        (
            "**⻲田太郎**と申します",
            "<p><strong>⻲田太郎</strong>と申します</p>",
        ),
        (
            "・**㋐**:選択肢１つ目",
            "<p>・<strong>㋐</strong>:選択肢１つ目</p>",
        ),
        ("**真，**她", "<p><strong>真，</strong>她</p>"),
        ("**真。**她", "<p><strong>真。</strong>她</p>"),
        ("**真、**她", "<p><strong>真、</strong>她</p>"),
        ("**真；**她", "<p><strong>真；</strong>她</p>"),
        ("**真：**她", "<p><strong>真：</strong>她</p>"),
        ("**真？**她", "<p><strong>真？</strong>她</p>"),
        ("**真！**她", "<p><strong>真！</strong>她</p>"),
        ("**真“**她", "<p><strong>真“</strong>她</p>"),
        ("**真”**她", "<p><strong>真”</strong>她</p>"),
        ("**真‘**她", "<p><strong>真‘</strong>她</p>"),
        ("**真’**她", "<p><strong>真’</strong>她</p>"),
        ("**真（**她", "<p><strong>真（</strong>她</p>"),
        ("真**（她**", "<p>真<strong>（她</strong></p>"),
        ("**真）**她", "<p><strong>真）</strong>她</p>"),
        ("**真【**她", "<p><strong>真【</strong>她</p>"),
        ("真**【她**", "<p>真<strong>【她</strong></p>"),
        ("**真】**她", "<p><strong>真】</strong>她</p>"),
        ("**真《**她", "<p><strong>真《</strong>她</p>"),
        ("真**《她**", "<p>真<strong>《她</strong></p>"),
        ("**真》**她", "<p><strong>真》</strong>她</p>"),
        ("**真—**她", "<p><strong>真—</strong>她</p>"),
        ("**真～**她", "<p><strong>真～</strong>她</p>"),
        ("**真…**她", "<p><strong>真…</strong>她</p>"),
        ("**真·**她", "<p><strong>真·</strong>她</p>"),
        ("**真〃**她", "<p><strong>真〃</strong>她</p>"),
        ("**真-**她", "<p><strong>真-</strong>她</p>"),
        ("**真々**她", "<p><strong>真々</strong>她</p>"),
        ("**真**她", "<p><strong>真</strong>她</p>"),
        ("**真，** 她", "<p><strong>真，</strong> 她</p>"),
        ("**真**，她", "<p><strong>真</strong>，她</p>"),
        (
            "**真，**&ZeroWidthSpace;她",
            "<p><strong>真，</strong>\u{200B}她</p>",
        ),
        (
            "私は**⻲田太郎**と申します",
            "<p>私は<strong>⻲田太郎</strong>と申します</p>",
        ),
        (
            "選択肢**㋐**: 1つ目の選択肢",
            "<p>選択肢<strong>㋐</strong>: 1つ目の選択肢</p>",
        ),
        (
            "**さようなら︙**と太郎はいった。",
            "<p><strong>さようなら︙</strong>と太郎はいった。</p>",
        ),
        (
            ".NET**（.NET Frameworkは不可）**では、",
            "<p>.NET<strong>（.NET Frameworkは不可）</strong>では、</p>",
        ),
        (
            "「禰\u{E0100}」の偏は示ではなく**礻**です。",
            "<p>「禰\u{E0100}」の偏は示ではなく<strong>礻</strong>です。</p>",
        ),
        (
            "Git**（注：不是GitHub）**",
            "<p>Git<strong>（注：不是GitHub）</strong></p>",
        ),
        (
            "太郎は**「こんにちわ」**といった。",
            "<p>太郎は<strong>「こんにちわ」</strong>といった。</p>",
        ),
        (
            "𰻞𰻞**（ビャンビャン）**麺",
            "<p>𰻞𰻞<strong>（ビャンビャン）</strong>麺</p>",
        ),
        (
            "𰻞𰻞**(ビャンビャン)**麺",
            "<p>𰻞𰻞<strong>(ビャンビャン)</strong>麺</p>",
        ),
        (
            "ハイパーテキストコーヒーポット制御プロトコル**(HTCPCP)**",
            "<p>ハイパーテキストコーヒーポット制御プロトコル<strong>(HTCPCP)</strong></p>",
        ),
        ("﨑**(崎)**", "<p>﨑<strong>(崎)</strong></p>"),
        (
            "国際規格**[ECMA-262](https://tc39.es/ecma262/)**",
            "<p>国際規格<strong><a href=\"https://tc39.es/ecma262/\">ECMA-262</a></strong></p>",
        ),
        ("㐧**(第の俗字)**", "<p>㐧<strong>(第の俗字)</strong></p>"),
        (
            "𠮟**(こちらが正式表記)**",
            "<p>𠮟<strong>(こちらが正式表記)</strong></p>",
        ),
        (
            "𪜈**(トモの合略仮名)**",
            "<p>𪜈<strong>(トモの合略仮名)</strong></p>",
        ),
        ("𫠉**(馬の俗字)**", "<p>𫠉<strong>(馬の俗字)</strong></p>"),
        (
            "谺𬤲**(こだま)**石神社",
            "<p>谺𬤲<strong>(こだま)</strong>石神社</p>",
        ),
        (
            "石𮧟**(いしただら)**",
            "<p>石𮧟<strong>(いしただら)</strong></p>",
        ),
        (
            "**推荐几个框架：**React、Vue等前端框架。",
            "<p><strong>推荐几个框架：</strong>React、Vue等前端框架。</p>",
        ),
        (
            "葛\u{E0100}**(こちらが正式表記)**城市",
            "<p>葛\u{E0100}<strong>(こちらが正式表記)</strong>城市</p>",
        ),
        (
            "禰\u{E0100}**(こちらが正式表記)**豆子",
            "<p>禰\u{E0100}<strong>(こちらが正式表記)</strong>豆子</p>",
        ),
        ("𱟛**(U+317DB)**", "<p>𱟛<strong>(U+317DB)</strong></p>"),
        (
            "阿寒湖アイヌシアターイコㇿ**(Akanko Ainu Theater Ikor)**",
            "<p>阿寒湖アイヌシアターイコㇿ<strong>(Akanko Ainu Theater Ikor)</strong></p>",
        ),
        (
            "あ𛀙**(か)**よろし",
            "<p>あ𛀙<strong>(か)</strong>よろし</p>",
        ),
        (
            "𮹝**(simplified form of 龘 in China)**",
            "<p>𮹝<strong>(simplified form of 龘 in China)</strong></p>",
        ),
        (
            "大塚\u{FE00}**(U+585A U+FE00)** 大塚**(U+FA10)**",
            "<p>大塚\u{FE00}<strong>(U+585A U+FE00)</strong> 大塚<strong>(U+FA10)</strong></p>",
        ),
        (
            "〽\u{FE0E}**(庵点)**は、",
            "<p>〽\u{FE0E}<strong>(庵点)</strong>は、</p>",
        ),
        (
            "**“\u{FE01}Git”\u{FE01}**Hub",
            "<p><strong>“\u{FE01}Git”\u{FE01}</strong>Hub</p>",
        ),
    ]);
}

#[test]
fn spec_testcases_korean_emoji_underscore_nonbmp() {
    check_table(&[
        // testcases/korean.md
        (
            "**이 [링크](https://example.kr/)**만을 강조하고 싶다.",
            "<p><strong>이 <a href=\"https://example.kr/\">링크</a></strong>만을 강조하고 싶다.</p>",
        ),
        (
            "**스크립트(script)**라고",
            "<p><strong>스크립트(script)</strong>라고</p>",
        ),
        (
            "패키지를 발행하려면 **`npm publish`**를 실행하십시오.",
            "<p>패키지를 발행하려면 <strong><code>npm publish</code></strong>를 실행하십시오.</p>",
        ),
        (
            "**안녕(hello)**하세요.",
            "<p><strong>안녕(hello)</strong>하세요.</p>",
        ),
        ("ᅡ**(a)**", "<p>ᅡ<strong>(a)</strong></p>"),
        ("**(k)**ᄏ", "<p><strong>(k)</strong>ᄏ</p>"),
        // testcases/pseudo-emoji.md: CJK symbols that are also emoji.
        ("a**〰**a", "<p>a<strong>〰</strong>a</p>"),
        ("a**〽**a", "<p>a<strong>〽</strong>a</p>"),
        ("a**🈂**a", "<p>a<strong>🈂</strong>a</p>"),
        ("a**🈷**a", "<p>a<strong>🈷</strong>a</p>"),
        ("a**㊗**a", "<p>a<strong>㊗</strong>a</p>"),
        ("a**㊙**a", "<p>a<strong>㊙</strong>a</p>"),
        // testcases/underscore-cjk-punct.md
        (
            "__注意__：注意事項",
            "<p><strong>注意</strong>：注意事項</p>",
        ),
        (
            "注意：__注意事項__",
            "<p>注意：<strong>注意事項</strong></p>",
        ),
        (
            "正體字。\u{FE01}_Traditional._",
            "<p>正體字。\u{FE01}<em>Traditional.</em></p>",
        ),
        (
            "正體字。\u{FE01}__Hong Kong and Taiwan.__",
            "<p>正體字。\u{FE01}<strong>Hong Kong and Taiwan.</strong></p>",
        ),
        (
            "简体字 / 新字体。\u{FE00}_Simplified._",
            "<p>简体字 / 新字体。\u{FE00}<em>Simplified.</em></p>",
        ),
        (
            "简体字 / 新字体。\u{FE00}__Mainland China or Japan.__",
            "<p>简体字 / 新字体。\u{FE00}<strong>Mainland China or Japan.</strong></p>",
        ),
        (
            "“\u{FE01}Git”\u{FE01}__Hub__",
            "<p>“\u{FE01}Git”\u{FE01}<strong>Hub</strong></p>",
        ),
        // testcases/non-bmp.md: non-CJK punctuation keeps CommonMark rules.
        ("a**a«**a", "<p>a**a«**a</p>"),
        ("a**»a**a", "<p>a**»a**a</p>"),
        ("a**a∇**a", "<p>a**a∇**a</p>"),
        ("a**∇a**a", "<p>a**∇a**a</p>"),
        ("a**a𝜵**a", "<p>a**a𝜵**a</p>"),
        ("a**𝜵a**a", "<p>a**𝜵a**a</p>"),
        ("a**𐬻a**a", "<p>a**𐬻a**a</p>"),
        ("a**a𐬻**a", "<p>a**a𐬻**a</p>"),
        // README examples.
        (
            "**このアスタリスクは強調記号として認識されず、そのまま表示されます。**この文のせいで。",
            "<p><strong>このアスタリスクは強調記号として認識されず、そのまま表示されます。</strong>この文のせいで。</p>",
        ),
        (
            "**该星号不会被识别，而是直接显示。**这是因为它没有被识别为强调符号。",
            "<p><strong>该星号不会被识别，而是直接显示。</strong>这是因为它没有被识别为强调符号。</p>",
        ),
        (
            "**이 별표는 강조 표시로 인식되지 않고 그대로 표시됩니다(이 괄호 때문에)**이 문장 때문에.",
            "<p><strong>이 별표는 강조 표시로 인식되지 않고 그대로 표시됩니다(이 괄호 때문에)</strong>이 문장 때문에.</p>",
        ),
    ]);
}

/// testcases/gfm-strikethrough.md
#[test]
fn spec_testcases_strikethrough() {
    check_table(&[
        ("a~~a()~~あ", "<p>a<del>a()</del>あ</p>"),
        ("あ~~()a~~a", "<p>あ<del>()a</del>a</p>"),
        ("𩸽~~()a~~a", "<p>𩸽<del>()a</del>a</p>"),
        ("a~~a()~~𩸽", "<p>a<del>a()</del>𩸽</p>"),
        ("葛\u{E0100}~~()a~~a", "<p>葛\u{E0100}<del>()a</del>a</p>"),
        ("羽\u{FE00}~~()a~~a", "<p>羽\u{FE00}<del>()a</del>a</p>"),
        ("a~~「a~~」", "<p>a<del>「a</del>」</p>"),
        ("「~~a」~~a", "<p>「<del>a」</del>a</p>"),
        ("~~a~~：~~a~~", "<p><del>a</del>：<del>a</del></p>"),
        (
            "~~日本語。\u{FE00}~~English.",
            "<p><del>日本語。\u{FE00}</del>English.</p>",
        ),
    ]);
}

/// The Chinese cases lanmu cares about most.
#[test]
fn chinese_cases() {
    check_table(&[
        (
            "**“两学一做”**学习教育",
            "<p><strong>“两学一做”</strong>学习教育</p>",
        ),
        // pulldown-cmark pairs all four runs here, but wrongly.
        (
            "**“两学一做”**学习**教育**",
            "<p><strong>“两学一做”</strong>学习<strong>教育</strong></p>",
        ),
        (
            "**“两学一做”**学习教育和**“三会一课”**制度",
            "<p><strong>“两学一做”</strong>学习教育和<strong>“三会一课”</strong>制度</p>",
        ),
        ("*《共产党宣言》*是", "<p><em>《共产党宣言》</em>是</p>"),
        ("~~“旧”~~新", "<p><del>“旧”</del>新</p>"),
        ("这是**“重点”**。", "<p>这是<strong>“重点”</strong>。</p>"),
        ("***“强”***", "<p><em><strong>“强”</strong></em></p>"),
        (
            "这是***“强”***的",
            "<p>这是<em><strong>“强”</strong></em>的</p>",
        ),
        ("*“两学一做”*学习", "<p><em>“两学一做”</em>学习</p>"),
        ("_“两学一做”_，学习", "<p><em>“两学一做”</em>，学习</p>"),
        (
            "__“三会一课”__，制度",
            "<p><strong>“三会一课”</strong>，制度</p>",
        ),
        // `_` closing before a letter needs the closer not to be
        // left-flanking (or to precede punctuation); the specification keeps
        // that CommonMark rule, so intraword `__` stays literal.
        ("__“三会一课”__制度", "<p>__“三会一课”__制度</p>"),
        // Existing emphasis inside the new one is kept.
        (
            "**“两学*一*做”**学习",
            "<p><strong>“两学<em>一</em>做”</strong>学习</p>",
        ),
        (
            "**“[链接](https://example.com)”**文字",
            "<p><strong>“<a href=\"https://example.com\">链接</a>”</strong>文字</p>",
        ),
        (
            "[**“链接”**文字](https://example.com)",
            "<p><a href=\"https://example.com\"><strong>“链接”</strong>文字</a></p>",
        ),
        ("# **“标题”**内容", "<h1><strong>“标题”</strong>内容</h1>"),
        (
            "- **“列表”**项目\n- 第二",
            "<ul>\n<li><strong>“列表”</strong>项目</li>\n<li>第二</li>\n</ul>",
        ),
        (
            "> **“引用”**内容",
            "<blockquote>\n<p><strong>“引用”</strong>内容</p>\n</blockquote>",
        ),
        (
            ">**“引用”**内容",
            "<blockquote>\n<p><strong>“引用”</strong>内容</p>\n</blockquote>",
        ),
        (
            "| 列 |\n|---|\n|**“两学一做”**学习|",
            "<table><thead><tr><th>列</th></tr></thead><tbody>\n<tr><td><strong>“两学一做”</strong>学习</td></tr>\n</tbody></table>",
        ),
        (
            "第一行**“强调\n跨行”**文字",
            "<p>第一行<strong>“强调\n跨行”</strong>文字</p>",
        ),
    ]);
}

/// Things that must not change.
#[test]
fn commonmark_cases_unchanged() {
    check_table(&[
        ("*foo*bar", "<p><em>foo</em>bar</p>"),
        ("a * b * c", "<p>a * b * c</p>"),
        ("**foo**", "<p><strong>foo</strong></p>"),
        ("snake_case_name", "<p>snake_case_name</p>"),
        ("\\*不是强调\\*", "<p>*不是强调*</p>"),
        ("\\*\\*“两学一做”\\*\\*学习", "<p>**“两学一做”**学习</p>"),
        (
            "&ast;&ast;“两学一做”&ast;&ast;学习",
            "<p>**“两学一做”**学习</p>",
        ),
        ("`**代码**`", "<p><code>**代码**</code></p>"),
        ("`**“代码”**`中文", "<p><code>**“代码”**</code>中文</p>"),
        (
            "```\n**“两学一做”**学习\n```",
            "<pre><code>**“两学一做”**学习\n</code></pre>",
        ),
        (
            "    **“两学一做”**学习",
            "<pre><code>**“两学一做”**学习</code></pre>",
        ),
        (
            "<div>\n**“两学一做”**学习\n</div>",
            "<div>\n**“两学一做”**学习\n</div>",
        ),
        (
            "中<span title=\"**“x”**中\">文</span>",
            "<p>中<span title=\"**“x”**中\">文</span></p>",
        ),
        (
            "<https://example.com/**“x”**中>",
            "<p><a href=\"https://example.com/**%E2%80%9Cx%E2%80%9D**%E4%B8%AD\">https://example.com/**“x”**中</a></p>",
        ),
        // Delimiters inside a link never pair with ones outside.
        (
            "**“[两学**一做”](u)学习",
            "<p>**“<a href=\"u\">两学**一做”</a>学习</p>",
        ),
        ("文~~~“旧”~~~新", "<p>文~~~“旧”~~~新</p>"),
    ]);
}

/// For text without CJK the amended rules are exactly CommonMark's, so the
/// pass must reproduce pulldown-cmark (examples from the CommonMark spec).
#[test]
fn commonmark_emphasis_examples_match_pulldown() {
    let cases = [
        "*foo bar*",
        "a * foo bar*",
        "a*\"foo\"*",
        "* a *",
        "foo*bar*",
        "5*6*78",
        "_foo bar_",
        "_ foo bar_",
        "a_\"foo\"_",
        "foo_bar_",
        "5_6_78",
        "пристаням_стремятся_",
        "aa_\"bb\"_cc",
        "foo-_(bar)_",
        "_foo*",
        "*foo bar *",
        "*foo bar\n*",
        "*(*foo)",
        "*(*foo*)*",
        "*foo*bar",
        "_foo bar _",
        "_(_foo)",
        "_(_foo_)_",
        "_foo_bar",
        "_пристаням_стремятся",
        "_foo_bar_baz_",
        "_(bar)_.",
        "**foo bar**",
        "** foo bar**",
        "a**\"foo\"**",
        "foo**bar**",
        "__foo bar__",
        "__ foo bar__",
        "__\nfoo bar__",
        "a__\"foo\"__",
        "foo__bar__",
        "5__6__78",
        "__foo, __bar__, baz__",
        "foo-__(bar)__",
        "**foo bar **",
        "**(**foo)",
        "*(**foo**)*",
        "**foo \"*bar*\" foo**",
        "**foo*bar*baz**",
        "*foo**bar**baz*",
        "*foo**bar*",
        "***foo** bar*",
        "*foo **bar***",
        "*foo**bar***",
        "foo***bar***baz",
        "foo******bar*********baz",
        "*foo **bar *baz* bim** bop*",
        "** is not an empty emphasis",
        "**foo*",
        "*foo**",
        "***foo**",
        "****foo*",
        "**foo***",
        "*foo****",
        "***foo***",
        "_____foo_____",
        "*foo _bar* baz_",
        "*foo __bar *baz bim__ bam*",
        "**foo **bar baz**",
        "*foo *bar baz*",
        "*[bar*](/url)",
        "_foo [bar_](/url)",
        "*<img src=\"foo\" title=\"*\"/>",
        "**<a href=\"**\">",
        "*a `*`*",
        "_a `_`_",
        "**a<http://foo.bar/?q=**>",
        "__a<http://foo.bar/?q=__>",
        "foo *\\**",
        "foo **\\***",
        "~~Hi~~ Hello, ~there~ world!",
        "This ~~has a\n\nnew paragraph~~.",
        "This will ~~~not~~~ strike.",
        "This ~is ~ legit~ isn't ~ legit.",
        "This is not ~~~~~one~~~~~ huge strikethrough.",
        "~one~ ~~two~~ ~~~three~~~",
        "No ~mismatch~~",
        "~~**_`this`_**~~",
        "a~~()a~~a",
        "a~~a()~~a",
        "~~()~~",
        "(~~()~~)",
        "| *a | b* |\n|---|---|\n| _c | d_ |",
    ];
    for md in cases {
        assert_eq!(render(md), plain(md), "input: {md:?}");
    }
}

#[test]
fn soft_breaks() {
    let cases = [
        ("中文\n中文", "<p>中文中文</p>"),
        ("中文，\n继续", "<p>中文，继续</p>"),
        ("English\ntext", "<p>English\ntext</p>"),
        ("中文\nEnglish", "<p>中文\nEnglish</p>"),
        ("English\n中文", "<p>English\n中文</p>"),
        ("中文  \n中文", "<p>中文<br />\n中文</p>"),
        ("中文\\\n中文", "<p>中文<br />\n中文</p>"),
        ("**中文**\n中文", "<p><strong>中文</strong>中文</p>"),
        ("中文\n`代码`", "<p>中文<code>代码</code></p>"),
        ("“引号”\n中文", "<p>“引号”中文</p>"),
        ("[链接](u)\n中文", "<p><a href=\"u\">链接</a>中文</p>"),
        (
            "![图](x.png)\n中文",
            "<p><img src=\"x.png\" alt=\"图\" />\n中文</p>",
        ),
        (
            "> 中文\n> 中文",
            "<blockquote>\n<p>中文中文</p>\n</blockquote>",
        ),
        ("中文\n\n中文", "<p>中文</p>\n<p>中文</p>"),
    ];
    for (md, expected) in cases {
        assert_eq!(render_breaks(md).trim_end(), expected, "input: {md:?}");
    }
}

#[test]
fn options_control_tildes() {
    let md = "~“旧”~，新 ~~“旧”~~新";
    let with = |opts: Options| {
        let events = parse(md, opts);
        to_html(cjk_friendly_emphasis_with_options(
            md,
            events,
            CjkEmphasisOptions::from_parser_options(opts),
        ))
    };
    assert_eq!(
        with(Options::ENABLE_STRIKETHROUGH).trim_end(),
        "<p><del>“旧”</del>，新 <del>“旧”</del>新</p>"
    );
    assert_eq!(
        with(Options::ENABLE_STRIKETHROUGH | Options::ENABLE_SUBSCRIPT).trim_end(),
        "<p><sub>“旧”</sub>，新 <del>“旧”</del>新</p>"
    );
    assert_eq!(
        with(Options::empty()).trim_end(),
        "<p>~“旧”~，新 ~~“旧”~~新</p>"
    );
}

#[test]
fn default_options_keep_existing_tilde_markup() {
    let md = "~下标~ 和 ~~删除~~ 是**“重点”**。";
    for (opts, sub) in [
        (
            Options::ENABLE_STRIKETHROUGH | Options::ENABLE_SUBSCRIPT,
            "sub",
        ),
        (Options::ENABLE_STRIKETHROUGH, "del"),
    ] {
        let html = to_html(cjk_friendly_emphasis(md, parse(md, opts)));
        assert_eq!(
            html.trim_end(),
            format!("<p><{sub}>下标</{sub}> 和 <del>删除</del> 是<strong>“重点”</strong>。</p>")
        );
    }
    let opts = CjkEmphasisOptions {
        strikethrough: true,
        single_tilde: SingleTilde::Subscript,
    };
    let md = "水是H~2~O，~“注”~。";
    let events = parse(
        md,
        Options::ENABLE_STRIKETHROUGH | Options::ENABLE_SUBSCRIPT,
    );
    assert_eq!(
        to_html(cjk_friendly_emphasis_with_options(md, events, opts)).trim_end(),
        "<p>水是H~2~O，<sub>“注”</sub>。</p>"
    );
}

#[test]
fn synthesized_ranges() {
    let md = "这是**“重点”**。";
    let events = cjk_friendly_emphasis(md, parse(md, options()));
    let kinds: Vec<String> = events
        .iter()
        .map(|(e, r)| format!("{e:?}@{r:?}={}", &md[r.clone()]))
        .collect();
    let open = md.find("**").unwrap_or_default();
    let close = md.rfind("**").unwrap_or_default();
    assert!(kinds.contains(&format!("Start(Strong)@{:?}=**", open..open + 2)));
    assert!(kinds.contains(&format!("End(Strong)@{:?}=**", close..close + 2)));
    assert!(
        kinds
            .iter()
            .any(|k| k.starts_with("Text(Borrowed(\"“重点”\"))"))
    );
    // Pairs pulldown-cmark produced keep their ranges.
    let md = "**a** 是**“重点”**。";
    let events = cjk_friendly_emphasis(md, parse(md, options()));
    assert_eq!(events[1], (Event::Start(pulldown_cmark::Tag::Strong), 0..5));
}

// ---------------------------------------------------------------------------
// Randomised robustness tests
// ---------------------------------------------------------------------------

/// Small deterministic PRNG (xorshift64*), so the tests need no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn string(&mut self, alphabet: &[&str], max_len: u64) -> String {
        let len = self.next() % (max_len + 1);
        (0..len)
            .map(|_| alphabet[(self.next() % alphabet.len() as u64) as usize])
            .collect()
    }
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Checks that Start/End events nest properly and every range is a valid
/// slice of the source.
fn assert_well_formed(src: &str, events: &[Spanned<'_>]) {
    let mut stack: Vec<TagEnd> = Vec::new();
    for (ev, range) in events {
        assert!(
            src.get(range.clone()).is_some(),
            "bad range {range:?} in {src:?}"
        );
        match ev {
            Event::Start(tag) => stack.push(tag.to_end()),
            Event::End(end) => assert_eq!(stack.pop(), Some(*end), "mis-nested in {src:?}"),
            _ => {}
        }
    }
    assert!(stack.is_empty(), "unclosed tags in {src:?}");
}

#[test]
fn random_inputs_keep_text_and_structure() {
    let alphabet = [
        "*", "*", "_", "~", "“", "”", "《", "》", "中", "文", "a", " ", "\n", "\\", "**", "~~",
        "> ", "`", "[", "](u)", "|", "。",
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let strip = |s: &str| -> String {
        strip_tags(s)
            .chars()
            .filter(|c| !matches!(c, '*' | '_' | '~') && !c.is_whitespace())
            .collect()
    };
    for _ in 0..600 {
        let src = rng.string(&alphabet, 40);
        let events = parse(&src, options());
        let before = to_html(events.clone());
        let emph = cjk_friendly_emphasis(&src, events);
        assert_well_formed(&src, &emph);
        let after = to_html(emph.clone());
        assert_eq!(strip(&before), strip(&after), "text changed for {src:?}");
        let both = drop_cjk_soft_breaks(emph);
        assert_well_formed(&src, &both);
        assert_eq!(
            strip(&before),
            strip(&to_html(both)),
            "text changed for {src:?}"
        );
    }
}

/// Without CJK characters the pass must agree with pulldown-cmark exactly
/// (given tilde options derived from the parser options). This reproduces
/// pulldown-cmark's own delimiter matching, including its tilde quirks.
#[test]
fn random_ascii_inputs_match_pulldown() {
    let alphabet = [
        "*", "*", "*", "_", "_", "~", "~~", "a", "b", " ", " ", "\n", "(", ")", ".", "\\", "`",
        "[x](u)",
    ];
    let mut rng = Rng(0x0123_4567_89AB_CDEF);
    let opts = options();
    for _ in 0..20_000 {
        let src = rng.string(&alphabet, 24);
        let events = cjk_friendly_emphasis_with_options(
            &src,
            parse(&src, opts),
            CjkEmphasisOptions::from_parser_options(opts),
        );
        assert_eq!(to_html(events), plain(&src), "input: {src:?}");
    }
}

#[test]
fn is_cjk_examples() {
    assert!(is_cjk('中'));
    assert!(is_cjk('，'));
    assert!(is_cjk('“'));
    assert!(!is_cjk('a'));
    assert!(!is_cjk('ｶ'));
}

#[test]
fn pathological_inputs_are_fast() {
    let big = "**“两学一做”**学习".repeat(5000);
    let start = std::time::Instant::now();
    let html = render(&big);
    assert!(html.contains("<strong>“两学一做”</strong>学习"));
    let stars = "*a ".repeat(20000) + &"_b ".repeat(20000);
    let _ = render(&stars);
    let nested = "*中".repeat(5000) + &"文*".repeat(5000);
    let _ = render(&nested);
    // Forces the fallback path (a pulldown-cmark pair the amended rules
    // would not reproduce) with thousands of pairs in one paragraph.
    let fallback = "」**学\u{FE01}b*》文* ".repeat(5000);
    let _ = render(&fallback);
    let links = "[**“链接”**文字](u) ".repeat(5000);
    assert!(render(&links).contains("<strong>“链接”</strong>文字"));
    assert!(
        start.elapsed().as_secs() < 10,
        "too slow: {:?}",
        start.elapsed()
    );
}
