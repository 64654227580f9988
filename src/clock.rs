//! The moment a command runs and who runs it: read once, passed down, so the pure core never
//! asks the system itself.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};

use crate::domain::validate;
use crate::error::{Error, Result};

/// Overrides the current time (RFC 3339), for reproducible output and tests.
pub const NOW_ENV: &str = "RISKREG_NOW";
/// Names the actor recorded in history (otherwise the OS user).
pub const ACTOR_ENV: &str = "RISKREG_ACTOR";

/// The time of a command: now as a timestamp and today's date in the local time zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clock {
    /// RFC 3339 UTC with whole seconds.
    pub now: String,
    pub today: Date,
}

impl Clock {
    /// The current time, or `$RISKREG_NOW` when set.
    pub fn from_env() -> Result<Clock> {
        let ts = match std::env::var(NOW_ENV) {
            Ok(v) => v.parse::<Timestamp>().map_err(|e| {
                Error::Usage(format!(
                    "{NOW_ENV}={v:?} is not an RFC 3339 time ({e}); unset it or use e.g. 2026-11-24T09:00:00Z"
                ))
            })?,
            Err(_) => Timestamp::now(),
        };
        Ok(Clock::at(ts))
    }

    pub fn at(ts: Timestamp) -> Clock {
        let zoned: ZonedDateTime = ts.to_zoned_datetime(local_time_zone());
        Clock {
            now: validate::format_timestamp(ts),
            today: zoned.date(),
        }
    }
}

/// A past moment to rebuild the register at: `until` (RFC 3339 UTC, whole seconds; every
/// event after it is undone) and the day its date-dependent figures are read as of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moment {
    pub until: String,
    pub today: Date,
}

/// The first second of `date` in the local time zone (RFC 3339, UTC).
pub fn start_of(date: Date) -> std::result::Result<String, jiff::Error> {
    let start = date
        .to_datetime(jiff::civil::Time::midnight())
        .to_zoned_datetime(local_time_zone())?;
    Ok(validate::format_timestamp(start.timestamp()))
}

impl Moment {
    /// The last second of `date` in the local time zone.
    pub fn end_of(date: Date) -> std::result::Result<Moment, jiff::Error> {
        let next = date
            .tomorrow()?
            .to_datetime(jiff::civil::Time::midnight())
            .to_zoned_datetime(local_time_zone())?;
        let last = next.timestamp() - jiff::SignedDuration::from_secs(1);
        Ok(Moment {
            until: validate::format_timestamp(last),
            today: date,
        })
    }

    /// `text` is a date (the end of that day, local time) or an RFC 3339 time, not after
    /// `now`'s day.
    pub fn parse(flag: &str, text: &str, now: &Clock) -> Result<Moment> {
        let moment = if let Ok(date) = text.trim().parse::<Date>() {
            Moment::end_of(date).map_err(|e| Error::Usage(format!("{flag} {text}: {e}")))?
        } else if let Ok(ts) = text.trim().parse::<Timestamp>() {
            Moment {
                until: validate::format_timestamp(ts),
                today: ts.to_zoned_datetime(local_time_zone()).date(),
            }
        } else {
            return Err(Error::Usage(format!(
                "{flag} {text:?} is neither a date (YYYY-MM-DD) nor an RFC 3339 time (2026-11-24T09:00:00Z)"
            )));
        };
        if moment.today > now.today {
            return Err(Error::Usage(format!(
                "{flag} {text} is in the future (today is {}); leave it out for the register as it is now",
                now.today
            )));
        }
        Ok(moment)
    }
}

/// The local time zone: `$TZ` when set (jiff follows POSIX), else `/etc/localtime` read as
/// a TZif file. Reading the file directly skips `TimeZone::system`'s search of the whole
/// zoneinfo directory for the zone's name, which costs about a millisecond per command and
/// only the date matters here.
fn local_time_zone() -> TimeZone {
    if std::env::var_os("TZ").is_some() {
        return TimeZone::system();
    }
    std::fs::read("/etc/localtime")
        .ok()
        .and_then(|tzif| TimeZone::tzif("Local", &tzif).ok())
        .unwrap_or_else(TimeZone::system)
}

/// Who is making changes: `$RISKREG_ACTOR`, else the OS user, else "unknown".
pub fn actor() -> String {
    let raw = std::env::var(ACTOR_ENV)
        .ok()
        .filter(|s| !s.trim().is_empty())
        .or_else(|| whoami::username().ok())
        .unwrap_or_else(|| "unknown".to_string());
    validate::line("actor", &raw, validate::NAME_MAX).unwrap_or_else(|_| crate::text::echo(&raw))
}
