//! `report:` — a volunteer or social-practice activity (志愿服务).

use serde::Serialize;
use serde_json::Value;

use super::{Cx, DateParts, Fields, labelled, number, resolve, scalar_text};
use crate::error::Msg;

/// Keys of a `report:` block.
pub const KEYS: &[&str] = &[
    "date",
    "location",
    "base",
    "hours",
    "participants",
    "organizer",
    "photos",
];

/// Keys of a photo written as a mapping.
pub const PHOTO_KEYS: &[&str] = &["src", "alt", "caption"];

/// One photo of the gallery.
#[derive(Debug, Clone, Serialize)]
pub struct Photo {
    /// File as written.
    pub src: String,
    /// URL, once resolved.
    pub url: Option<String>,
    /// Text alternative: `alt`, else the caption, else `活动照片 N`.
    pub alt: String,
    /// Caption: `caption`, else `alt`, else the file name when it describes
    /// something (`义诊现场.jpg`; not `p1.png` or `IMG_0012.jpg`).
    pub caption: Option<String>,
    #[serde(skip)]
    line: Option<usize>,
}

/// A validated `report:` block.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Activity date (required), as `2024-05-01`.
    pub date: String,
    /// `2024年5月1日`.
    pub date_display: String,
    /// `5月1日`, for timelines.
    pub day_display: String,
    /// `2024年5月`, the timeline group.
    pub month: String,
    /// `2024-05`.
    pub month_key: String,
    /// Where (required).
    pub location: String,
    /// Practice base (实践基地).
    pub base: Option<String>,
    /// Service hours.
    pub hours: Option<Value>,
    /// Number of participants.
    pub participants: Option<i64>,
    /// Organizer.
    pub organizer: Option<String>,
    /// Photo gallery.
    pub photos: Vec<Photo>,
}

pub(crate) fn validate(cx: &mut Cx, f: &Fields) -> Option<Report> {
    cx.check_keys(f, KEYS);
    let date = if f.get("date").is_none() {
        cx.missing(f, "date", "2024-05-01");
        None
    } else {
        cx.date(f, "date")
    };
    let location = cx.required_text(f, "location", "示例市示例社区");
    let base = cx.text(f, "base", "示例社区党群服务中心");
    let hours = cx.number(f, "hours", 0.0, "4").map(number);
    let participants = cx.integer(f, "participants", 0..=1_000_000, "20");
    let organizer = cx.text(f, "organizer", "计算机学院第一学生党支部");
    let photos = photos(cx, f);
    let d = DateParts::of(&date?, cx.lang());
    Some(Report {
        date: d.ymd,
        date_display: d.display,
        day_display: d.day,
        month: d.month,
        month_key: d.month_key,
        location: location?,
        base,
        hours,
        participants,
        organizer,
        photos,
    })
}

fn photos(cx: &mut Cx, f: &Fields) -> Vec<Photo> {
    let Some(v) = f.get("photos") else {
        return Vec::new();
    };
    let items: Vec<&Value> = match v {
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    };
    let mut out = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let n = out.len() + 1;
        let path = if v.is_array() {
            format!("{}[{i}]", f.at("photos"))
        } else {
            f.at("photos")
        };
        let line = cx.line(&path);
        let (src, alt, caption) = match item {
            Value::Null => continue,
            Value::Object(map) => {
                let p = Fields {
                    map,
                    path: path.clone(),
                    label: Some(Msg::new(
                        format!("第 {} 张照片", i + 1),
                        format!("photo {}", i + 1),
                    )),
                };
                cx.check_keys(&p, PHOTO_KEYS);
                let src = cx.required_text(&p, "src", "p1.jpg");
                let alt = cx.text(&p, "alt", "志愿者为居民讲解");
                let caption = cx.text(&p, "caption", "志愿者为居民讲解");
                let Some(src) = src else { continue };
                (src, alt, caption)
            }
            other => match scalar_text(other) {
                Some(s) if !s.is_empty() => (s, None, None),
                _ => {
                    let (zh, en) = super::describe(other);
                    cx.error(
                        &path,
                        labelled(
                            f,
                            Msg::new(
                                format!("`report.photos` 的第 {} 项应是文件名或 `{{src: …, alt: …}}`，写的是{zh}", i + 1),
                                format!("entry {} of `report.photos` must be a file name or `{{src: …, alt: …}}`, found {en}", i + 1),
                            ),
                        ),
                        Some(Msg::new("例如 `photos: [p1.jpg, p2.jpg]`", "for example `photos: [p1.jpg, p2.jpg]`")),
                    );
                    continue;
                }
            },
        };
        let caption = caption
            .or_else(|| alt.clone())
            .or_else(|| caption_from_file(&src));
        let alt = alt.or_else(|| caption.clone()).unwrap_or_else(|| {
            cx.lang().pick("活动照片", "Activity photo").to_string() + &format!(" {n}")
        });
        out.push(Photo {
            src,
            url: None,
            alt,
            caption,
            line,
        });
    }
    out
}

/// A caption from a file name that describes its picture: `义诊现场.jpg` →
/// `义诊现场`, `community-clean-up.jpg` → `community clean up`; camera and
/// numbered names (`p1.png`, `IMG_0012.jpg`, `DSC01234.JPG`, `photo-3.jpg`)
/// give none.
pub fn caption_from_file(src: &str) -> Option<String> {
    let name = src.rsplit(['/', '\\']).next().unwrap_or(src);
    let stem = match name.rfind('.') {
        Some(i) if i > 0 => &name[..i],
        _ => name,
    };
    let text = stem.replace(['-', '_'], " ");
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if text.is_ascii() {
        let letters: Vec<&str> = text
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| !w.is_empty())
            .collect();
        let generic = [
            "img",
            "dsc",
            "dscn",
            "dcim",
            "photo",
            "pic",
            "image",
            "p",
            "wx",
            "mmexport",
            "screenshot",
        ];
        let meaningful = letters
            .iter()
            .filter(|w| !generic.contains(&w.to_ascii_lowercase().as_str()))
            .any(|w| w.len() >= 3);
        if !meaningful {
            return None;
        }
    }
    Some(text.to_string())
}

impl Report {
    pub(crate) fn finish(
        &mut self,
        url: &mut dyn FnMut(&str) -> Result<String, Msg>,
        problems: &mut Vec<Msg>,
    ) {
        for (i, p) in self.photos.iter_mut().enumerate() {
            p.url = resolve(
                url,
                &p.src,
                &format!("report.photos[{i}]"),
                p.line,
                problems,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::caption_from_file;

    #[test]
    fn captions() {
        assert_eq!(
            caption_from_file("义诊现场.jpg").as_deref(),
            Some("义诊现场")
        );
        assert_eq!(
            caption_from_file("img/community-clean-up.jpg").as_deref(),
            Some("community clean up")
        );
        for generic in [
            "p1.png",
            "IMG_0012.jpg",
            "DSC01234.JPG",
            "photo-3.jpg",
            "123.jpg",
            "mmexport1700000000.jpg",
        ] {
            assert_eq!(caption_from_file(generic), None, "{generic}");
        }
    }
}
