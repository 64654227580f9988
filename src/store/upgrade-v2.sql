-- Version 1 → 2: the availability model (estimates on risks, incidents).
ALTER TABLE risk ADD COLUMN ettd_min REAL CHECK (ettd_min >= 0);
ALTER TABLE risk ADD COLUMN ettr_min REAL CHECK (ettr_min >= 0);
ALTER TABLE risk ADD COLUMN users_pct REAL CHECK (users_pct BETWEEN 0 AND 100);
ALTER TABLE risk ADD COLUMN ettf_days REAL CHECK (ettf_days > 0);
ALTER TABLE risk ADD COLUMN target_ettd_min REAL CHECK (target_ettd_min >= 0);
ALTER TABLE risk ADD COLUMN target_ettr_min REAL CHECK (target_ettr_min >= 0);
ALTER TABLE risk ADD COLUMN target_users_pct REAL CHECK (target_users_pct BETWEEN 0 AND 100);
ALTER TABLE risk ADD COLUMN target_ettf_days REAL CHECK (target_ettf_days > 0);
ALTER TABLE risk ADD COLUMN bad_minutes REAL GENERATED ALWAYS AS ((ettd_min + ettr_min) * users_pct / 100.0 * 365.25 / ettf_days) VIRTUAL;
CREATE INDEX risk_bad_minutes ON risk (bad_minutes DESC);

CREATE TABLE incident (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    title      TEXT NOT NULL CHECK (length(title) >= 1),
    date       TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    ttd_min    REAL NOT NULL CHECK (ttd_min >= 0),
    ttr_min    REAL NOT NULL CHECK (ttr_min >= 0),
    users_pct  REAL NOT NULL CHECK (users_pct BETWEEN 0 AND 100),
    link       TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE incident_risk (
    incident_id INTEGER NOT NULL REFERENCES incident (id),
    risk_id     INTEGER NOT NULL,
    PRIMARY KEY (incident_id, risk_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX incident_risk_risk ON incident_risk (risk_id, incident_id);
