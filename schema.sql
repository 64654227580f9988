-- riskreg schema, version 1.
--
-- Enum CHECKs are written as OR chains, not IN lists: SQLite builds a temporary b-tree for
-- every evaluation of an IN list of more than two constants, twice per imported row.
--
-- A new register gets this whole file in one transaction. Older files are upgraded step by
-- step (src/store/migrate.rs), and tests/fixtures/schema-v<N>.sql keeps each released
-- version, so the migration test can prove that every old file upgrades to exactly this.

-- Settings travel with the register (SLO, bands, review cadence); absent keys use defaults.
CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE team (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    description TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE milestone (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE COLLATE NOCASE,
    due     TEXT CHECK (due IS NULL OR due GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    team_id INTEGER REFERENCES team (id),
    status  TEXT NOT NULL DEFAULT 'planned' CHECK (status = 'planned' OR status = 'in-progress' OR status = 'done')
) STRICT;

-- AUTOINCREMENT: an id is never reused, even after its risk is deleted.
CREATE TABLE risk (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    title          TEXT NOT NULL CHECK (length(title) >= 1),
    description    TEXT NOT NULL DEFAULT '',
    category       TEXT NOT NULL DEFAULT '',
    service        TEXT NOT NULL DEFAULT '',
    likelihood     INTEGER NOT NULL CHECK (likelihood BETWEEN 1 AND 5),
    impact         INTEGER NOT NULL CHECK (impact BETWEEN 1 AND 5),
    score          INTEGER GENERATED ALWAYS AS (likelihood * impact) STORED,
    status         TEXT NOT NULL CHECK (status = 'open' OR status = 'mitigating' OR status = 'mitigated'
                                OR status = 'accepted' OR status = 'closed'),
    team_id        INTEGER REFERENCES team (id),
    milestone_id   INTEGER REFERENCES milestone (id),
    owner          TEXT NOT NULL DEFAULT '',
    -- lower-case tags, sorted, joined by commas
    tags           TEXT NOT NULL DEFAULT '',
    next_review    TEXT,
    accepted_until TEXT,
    approver       TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    -- The milestone's due date, or '9999-12-31' for none: a copy kept on the risk so one
    -- index serves the whole priority order (SQLite indexes cannot put NULLs last).
    due_order      TEXT NOT NULL DEFAULT '9999-12-31',
    -- +1 on every change: the token for optimistic concurrency
    revision       INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1)
) STRICT;

-- The priority order (score desc, impact desc, …) and the common filters.
CREATE INDEX risk_priority ON risk (score DESC, impact DESC, due_order);
CREATE INDEX risk_team ON risk (team_id, score DESC, impact DESC, due_order);
CREATE INDEX risk_milestone ON risk (milestone_id);

-- A milestone's new due date reorders its risks.
CREATE TRIGGER milestone_due_order AFTER UPDATE OF due ON milestone
BEGIN
    UPDATE risk SET due_order = coalesce(NEW.due, '9999-12-31') WHERE milestone_id = NEW.id;
END;

-- History: append-only. No foreign key to risk, so a deleted risk keeps its events.
CREATE TABLE event (
    id       INTEGER PRIMARY KEY,
    risk_id  INTEGER NOT NULL,
    at       TEXT NOT NULL,
    actor    TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind = 'create' OR kind = 'change' OR kind = 'status' OR kind = 'review'
                          OR kind = 'import' OR kind = 'delete'),
    field    TEXT,
    old      TEXT,
    new      TEXT,
    revision INTEGER,
    note     TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX event_risk ON event (risk_id, id);

CREATE TRIGGER event_no_update BEFORE UPDATE ON event
BEGIN
    SELECT RAISE(ABORT, 'history is append-only');
END;

CREATE TRIGGER event_no_delete BEFORE DELETE ON event
BEGIN
    SELECT RAISE(ABORT, 'history is append-only');
END;
