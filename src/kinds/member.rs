//! `member:` — an exemplary Party member or activist (先进事迹).

use serde::Serialize;

use super::{Cx, DateParts, Fields, resolve};
use crate::error::Msg;

/// Keys of a `member:` block.
pub const KEYS: &[&str] = &[
    "name", "photo", "branch", "grade", "major", "joined", "honors", "quote",
];

/// A validated `member:` block.
#[derive(Debug, Clone, Serialize)]
pub struct Member {
    /// Name (required).
    pub name: String,
    /// First character of the name, for a placeholder avatar.
    pub initial: String,
    /// Photo as written (relative to the page, or site-absolute).
    pub photo: Option<String>,
    /// The photo's URL, once [`super::finish`] resolved it.
    pub photo_url: Option<String>,
    /// Party branch.
    pub branch: Option<String>,
    /// Grade (`2021级`).
    pub grade: Option<String>,
    /// Major.
    pub major: Option<String>,
    /// Date of joining the Party.
    pub joined: Option<DateParts>,
    /// Honors, shown as badges.
    pub honors: Vec<String>,
    /// A sentence of theirs.
    pub quote: Option<String>,
    #[serde(skip)]
    photo_line: Option<usize>,
}

pub(crate) fn validate(cx: &mut Cx, f: &Fields) -> Option<Member> {
    cx.check_keys(f, KEYS);
    let name = cx.required_text(f, "name", "张三");
    let photo = cx.text(f, "photo", "photo.jpg");
    let branch = cx.text(f, "branch", "计算机学院第一学生党支部");
    let grade = cx.text(f, "grade", "2021级");
    let major = cx.text(f, "major", "计算机科学与技术");
    let joined = cx.date(f, "joined").map(|d| DateParts::of(&d, cx.lang()));
    let honors = cx.list(f, "honors", "[国家奖学金, 校级优秀共产党员]");
    let quote = cx.text(f, "quote", "技术要服务于人。");
    let name = name?;
    Some(Member {
        initial: name.chars().next().map(String::from).unwrap_or_default(),
        name,
        photo_line: cx.line(&f.at("photo")),
        photo,
        photo_url: None,
        branch,
        grade,
        major,
        joined,
        honors,
        quote,
    })
}

impl Member {
    pub(crate) fn finish(
        &mut self,
        url: &mut dyn FnMut(&str) -> Result<String, Msg>,
        problems: &mut Vec<Msg>,
    ) {
        if let Some(p) = &self.photo {
            self.photo_url = resolve(url, p, "member.photo", self.photo_line, problems);
        }
    }
}
