//! `riskreg config get|set`: the register's settings.

use serde::Serialize;

use crate::cli::args::ConfigCommand;
use crate::cli::context::Ctx;
use crate::cli::output::{emit, emit_one};
use crate::domain::FieldError;
use crate::error::Result;
use crate::io::table::{Cell, Column, Table};
use crate::scoring::SETTING_KEYS;

#[derive(Serialize)]
struct Setting {
    key: &'static str,
    value: String,
    meaning: &'static str,
}

pub(crate) fn config(ctx: &Ctx, command: ConfigCommand) -> Result<()> {
    match command {
        ConfigCommand::Get { key: None } => {
            let store = ctx.open_existing()?;
            let settings: Vec<Setting> = store
                .settings()
                .pairs()
                .into_iter()
                .zip(SETTING_KEYS)
                .map(|((key, value), (_, meaning))| Setting {
                    key,
                    value,
                    meaning,
                })
                .collect();
            let mut t = Table::new(vec![
                Column::left("KEY", 10, 0),
                Column::left("VALUE", 5, 0),
                Column::left("MEANING", 10, 1),
            ]);
            for s in &settings {
                t.push(vec![
                    Cell::plain(s.key),
                    Cell::plain(&s.value),
                    Cell::plain(s.meaning),
                ]);
            }
            emit(ctx, &settings, &t)
        }
        ConfigCommand::Get { key: Some(key) } => {
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
        ConfigCommand::Set { key, value } => {
            let mut store = ctx.open_for_write()?;
            store.set_setting(&ctx.stamp(), &key, &value)?;
            let stored = store
                .settings()
                .get(&key)
                .map_err(|e| FieldError::new("key", &key, e.message))?;
            emit_one(
                ctx,
                &serde_json::json!({"schema_version": 1, "key": key, "value": stored}),
                || format!("{key} = {stored}\n"),
            )
        }
    }
}
