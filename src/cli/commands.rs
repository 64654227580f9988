//! One module per group of subcommands; each is a thin shell over the store and the core.

pub(super) mod action;
mod bulk;
pub(super) mod catalog;
pub(super) mod changes;
pub(super) mod config;
pub(super) mod db;
pub(super) mod history;
pub(super) mod incident;
pub(super) mod matrix;
pub(super) mod meta;
pub(super) mod notes;
pub(super) mod portfolio;
pub(super) mod risk;
pub(super) mod transfer;

use std::io::Read;

use super::args::{EstimateArgs, FieldArgs, SortArg};
use super::context::Ctx;
use crate::domain::merge::optional_level;
use crate::domain::{Amount, Field, Impact, Likelihood, RiskPatch, validate};
use crate::error::{Error, Result};
use crate::query::SortKey;
use crate::text::echo;

/// A value as a change shows it: one line, at most 60 columns, "(none)" for nothing.
pub(super) fn shown(value: &str) -> String {
    if value.is_empty() {
        "(none)".into()
    } else {
        let one_line = crate::text::sanitize_line(value);
        crate::text::truncate(&one_line, 60).into_owned()
    }
}

/// A risk id as typed: `42` or `#42`.
pub(super) fn parse_id(s: &str) -> Result<i64> {
    parse_id_of("risk", s)
}

/// An id of `entity` ("risk", "action") as typed: `42` or `#42`.
pub(super) fn parse_id_of(entity: &str, s: &str) -> Result<i64> {
    s.trim()
        .trim_start_matches('#')
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| {
            Error::Usage(format!(
                "'{}' is not {} id; ids are positive whole numbers, as `riskreg {}list` shows them",
                echo(s),
                if entity == "action" {
                    "an action"
                } else {
                    "a risk"
                },
                if entity == "action" { "action " } else { "" }
            ))
        })
}

/// A refusal from the lifecycle rules, with the flag that supplies what is missing (the core
/// names fields, not command-line flags, since the TUI asks in a form).
pub(super) fn with_flag_hint(e: Error) -> Error {
    match e {
        Error::Within { what, source } => Error::Within {
            what,
            source: Box::new(with_flag_hint(*source)),
        },
        Error::Field(mut f) => {
            let flag = match f.field.as_str() {
                "approver" => Some("--approver NAME"),
                "accepted_until" => Some("--accepted-until YYYY-MM-DD"),
                _ => None,
            };
            if let Some(flag) = flag
                && !f.reason.contains("--")
            {
                f.reason = format!("{} (give it with {flag})", f.reason);
            }
            Error::Field(f)
        }
        other => other,
    }
}

pub(super) fn sort_key(arg: Option<SortArg>) -> SortKey {
    match arg {
        None | Some(SortArg::Score) => SortKey::Score,
        Some(SortArg::Due) => SortKey::Due,
        Some(SortArg::Updated) => SortKey::Updated,
        Some(SortArg::Id) => SortKey::Id,
        Some(SortArg::BadMinutes) => SortKey::BadMinutes,
    }
}

/// "" clears an optional name; anything else must be a valid name.
fn optional_name(field: &str, value: &Option<String>) -> Result<Option<Option<String>>> {
    Ok(match value.as_deref() {
        None => None,
        Some(v) if v.trim().is_empty() => Some(None),
        Some(v) => Some(Some(validate::name(field, v, validate::NAME_MAX)?)),
    })
}

fn optional_line(field: &str, value: &Option<String>) -> Result<Option<String>> {
    Ok(value
        .as_deref()
        .map(|v| validate::line(field, v, validate::LINE_MAX))
        .transpose()?)
}

/// The shared add/edit flags as a validated patch (the same validation as import and TUI).
pub(super) fn field_patch(ctx: &Ctx, args: &FieldArgs) -> Result<RiskPatch> {
    let description = match args.description.as_deref() {
        None => None,
        Some("-") => {
            if ctx.term.stdin {
                return Err(Error::Usage(
                    "--description - reads the description from stdin, but stdin is a terminal; pipe the text in".into(),
                ));
            }
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Error::io("cannot read the description from stdin", e))?;
            Some(validate::description(text.trim_end_matches('\n'))?)
        }
        Some(d) => Some(validate::description(d)?),
    };
    Ok(RiskPatch {
        description,
        category: optional_line("category", &args.category)?,
        service: optional_line("service", &args.service)?,
        status: args.status,
        team: optional_name("team", &args.team)?,
        milestone: optional_name("milestone", &args.milestone)?,
        owner: optional_line("owner", &args.owner)?,
        add_tags: validate::tags(args.tags.iter().map(String::as_str))?,
        next_review: args
            .next_review
            .as_deref()
            .map(|d| validate::date("next_review", d).map(Some))
            .transpose()?,
        accepted_until: args
            .accepted_until
            .as_deref()
            .map(|d| validate::optional_date("accepted_until", d))
            .transpose()?,
        approver: optional_line("approver", &args.approver)?,
        amounts: estimate_amounts(&args.estimates)?,
        target_likelihood: args
            .target_likelihood
            .as_deref()
            .map(|t| optional_level("target_likelihood", t, Likelihood::parse))
            .transpose()?,
        target_impact: args
            .target_impact
            .as_deref()
            .map(|t| optional_level("target_impact", t, Impact::parse))
            .transpose()?,
        ..RiskPatch::default()
    })
}

/// The estimate flags, validated like every other entry point validates them.
fn estimate_amounts(args: &EstimateArgs) -> Result<Vec<(Field, Option<Amount>)>> {
    use crate::domain::estimates::{parse, parse_per_year};
    let mut out = Vec::new();
    let flags = [
        (Field::Ettd, &args.ettd, false),
        (Field::Ettr, &args.ettr, false),
        (Field::Users, &args.users, false),
        (Field::Ettf, &args.ettf, false),
        (Field::Ettf, &args.per_year, true),
        (Field::TargetEttd, &args.target_ettd, false),
        (Field::TargetEttr, &args.target_ettr, false),
        (Field::TargetUsers, &args.target_users, false),
        (Field::TargetEttf, &args.target_ettf, false),
        (Field::TargetEttf, &args.target_per_year, true),
    ];
    for (field, value, per_year) in flags {
        if let Some(text) = value {
            let amount = if per_year {
                parse_per_year(field, text)?
            } else {
                parse(field, text)?
            };
            out.push((field, amount));
        }
    }
    Ok(out)
}
