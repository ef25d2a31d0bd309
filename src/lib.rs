//! lanmu (栏目): a static site generator for the study columns of Chinese
//! university student Party branches.
//!
//! The pipeline is the architecture, one module per stage:
//!
//! 1. [`content`] walks `content/` and parses front matter ([`frontmatter`],
//!    [`yaml`], [`kinds`]) into columns and pages with their URLs ([`urls`]);
//! 2. [`site`] builds the model: page order, prev/next, taxonomies, links,
//!    and renders Markdown ([`markdown`]);
//! 3. [`render`] fills the Tera templates ([`templates`]) and writes feeds and
//!    the sitemap ([`feeds`]);
//! 4. [`output`] writes into a staging folder and swaps it in.
//!
//! [`pipeline`] runs the stages; [`config`], [`date`], [`slug`], [`i18n`],
//! [`encoding`] and [`error`] serve them all.

// Diagnostics travel on the cold path (a build with errors stops); boxing
// them to please `result_large_err` would burden every call site for nothing.
#![allow(clippy::result_large_err)]

pub mod check;
pub mod config;
pub mod content;
pub mod date;
pub mod encoding;
pub mod error;
pub mod feeds;
pub mod frontmatter;
pub mod i18n;
pub mod kinds;
pub mod markdown;
pub mod output;
pub mod pipeline;
pub mod publish;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod slug;
pub mod stats;
pub mod templates;
pub mod urls;
pub mod yaml;
