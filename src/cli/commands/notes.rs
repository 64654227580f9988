//! comment, link add, link remove: the conversation around a risk.

use serde::Serialize;

use super::risk::history_note;
use super::{parse_id, with_flag_hint};
use crate::cli::args::LinkCommand;
use crate::cli::context::Ctx;
use crate::cli::output::emit_one;
use crate::domain::{Link, RiskPatch, validate};
use crate::error::{Error, Result};
use crate::store::Store;
use crate::text::sanitize_line;

#[derive(Serialize)]
struct Commented<'a> {
    risk: i64,
    comment: &'a str,
    revision: i64,
}

pub(crate) fn comment(ctx: &Ctx, risk: &str, text: &str) -> Result<()> {
    let id = parse_id(risk)?;
    let text = validate::comment(text)?;
    let mut store = ctx.open_existing()?;
    record_comment(ctx, &mut store, id, &text, None)
}

/// Records `text` as a comment on risk `id` and says so.
pub(super) fn record_comment(
    ctx: &Ctx,
    store: &mut Store,
    id: i64,
    text: &str,
    expected: Option<i64>,
) -> Result<()> {
    let revision = store.write(&ctx.stamp(), |tx| tx.comment(id, expected, text))?;
    let done = Commented {
        risk: id,
        comment: text,
        revision,
    };
    emit_one(ctx, &done, || format!("commented on risk {id}\n"))
}

pub(crate) fn link(ctx: &Ctx, command: LinkCommand) -> Result<()> {
    match command {
        LinkCommand::Add {
            risk,
            url,
            label,
            note,
            expect_revision,
        } => {
            let link = Link {
                url: validate::link(&url)?,
                label: validate::line("label", label.as_deref().unwrap_or(""), validate::LINE_MAX)?,
            };
            if link.url.is_empty() {
                return Err(Error::from(validate::FieldError::new(
                    "link",
                    &url,
                    "is empty; give an http(s) URL or a ticket key such as PLAT-1234",
                )));
            }
            let patch = RiskPatch {
                add_links: vec![link],
                ..RiskPatch::default()
            };
            change_links(ctx, &risk, &patch, note.as_deref(), expect_revision)
        }
        LinkCommand::Remove {
            risk,
            url,
            note,
            expect_revision,
        } => {
            let patch = RiskPatch {
                remove_links: vec![url.trim().to_string()],
                ..RiskPatch::default()
            };
            change_links(ctx, &risk, &patch, note.as_deref(), expect_revision)
        }
    }
}

fn change_links(
    ctx: &Ctx,
    risk: &str,
    patch: &RiskPatch,
    note: Option<&str>,
    expected: Option<i64>,
) -> Result<()> {
    let id = parse_id(risk)?;
    let note = history_note(note)?;
    let mut store = ctx.open_existing()?;
    let edit = store
        .write(&ctx.stamp(), |tx| {
            tx.change_links(id, expected, patch, &note)
        })
        .map_err(with_flag_hint)?;
    emit_one(ctx, &edit.risk, || {
        let links = &edit.risk.fields.links;
        let mut text = format!(
            "risk {id}: {} (revision {})\n",
            crate::domain::figures::count(links.len() as u64, "link", "links"),
            edit.risk.revision
        );
        for l in links {
            text.push_str(&format!("  {}\n", sanitize_line(&l.line())));
        }
        text
    })
}
