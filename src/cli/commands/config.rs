//! `riskreg config get|set`: the register's settings.

use serde::Serialize;

use crate::cli::args::ConfigCommand;
use crate::cli::context::Ctx;
use crate::cli::output::{emit, emit_one};
use crate::domain::FieldError;
use crate::error::{Error, Result};
use crate::io::table::{Cell, Column, Table};
use crate::scoring::{SERVICE_SLO_PREFIX, SETTING_KEYS};

#[derive(Serialize)]
struct Setting {
    key: String,
    value: String,
    meaning: &'static str,
}

/// The settings key: `slo` with `--service NAME` is that service's own SLO, `slo:NAME`.
fn setting_key(key: &str, service: Option<&str>) -> Result<String> {
    match service {
        None => Ok(key.to_string()),
        Some(service) if key == "slo" => Ok(format!("{SERVICE_SLO_PREFIX}{}", service.trim())),
        Some(_) => Err(Error::Usage(format!(
            "--service goes with the key slo (a service's own SLO), not with '{}'",
            crate::text::echo(key)
        ))),
    }
}

pub(crate) fn config(ctx: &Ctx, command: ConfigCommand) -> Result<()> {
    match command {
        ConfigCommand::Get { key: None, .. } => {
            let store = ctx.open_existing()?;
            let settings: Vec<Setting> = store
                .settings()
                .pairs()
                .into_iter()
                .map(|(key, value)| {
                    let meaning = SETTING_KEYS.iter().find(|(k, _)| *k == key).map_or(
                        "a service's own SLO: its risks count against it",
                        |(_, m)| m,
                    );
                    Setting {
                        key,
                        value,
                        meaning,
                    }
                })
                .collect();
            let mut t = Table::new(vec![
                Column::left("KEY", 10, 0),
                Column::left("VALUE", 5, 0),
                Column::left("MEANING", 10, 1),
            ]);
            for s in &settings {
                t.push(vec![
                    Cell::text(&s.key),
                    Cell::plain(&s.value),
                    Cell::plain(s.meaning),
                ]);
            }
            emit(ctx, &settings, &t)
        }
        ConfigCommand::Get {
            key: Some(key),
            service,
        } => {
            let key = setting_key(&key, service.as_deref())?;
            let store = ctx.open_existing()?;
            let value = store
                .settings()
                .get(&key)
                .map_err(|e| FieldError::new("key", &key, e.message))?;
            emit_one(
                ctx,
                &serde_json::json!({"schema_version": 1, "key": key, "value": value}),
                || format!("{value}\n"),
            )
        }
        ConfigCommand::Set {
            key,
            value,
            service,
        } => {
            let key = setting_key(&key, service.as_deref())?;
            let mut store = ctx.open_for_write()?;
            store.set_setting(&ctx.stamp(), &key, &value)?;
            let stored = store.settings().get(&key).unwrap_or_default();
            emit_one(
                ctx,
                &serde_json::json!({"schema_version": 1, "key": key, "value": stored}),
                || format!("{key} = {stored}\n"),
            )
        }
    }
}
