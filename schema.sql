-- riskreg schema, version 7.
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

-- Version 4: a team's milestones without a scan of every milestone (team list counts them).
CREATE INDEX milestone_team ON milestone (team_id);

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
, ettd_min REAL CHECK (ettd_min >= 0), ettr_min REAL CHECK (ettr_min >= 0), users_pct REAL CHECK (users_pct BETWEEN 0 AND 100), ettf_days REAL CHECK (ettf_days > 0), target_ettd_min REAL CHECK (target_ettd_min >= 0), target_ettr_min REAL CHECK (target_ettr_min >= 0), target_users_pct REAL CHECK (target_users_pct BETWEEN 0 AND 100), target_ettf_days REAL CHECK (target_ettf_days > 0), bad_minutes REAL GENERATED ALWAYS AS ((ettd_min + ettr_min) * users_pct / 100.0 * 365.25 / ettf_days) VIRTUAL, links TEXT NOT NULL DEFAULT '', target_likelihood INTEGER CHECK (target_likelihood BETWEEN 1 AND 5), target_impact INTEGER CHECK (target_impact BETWEEN 1 AND 5), estimate_ranges TEXT NOT NULL DEFAULT '') STRICT;

-- The priority order (score desc, impact desc, …) and the common filters. risk_priority
-- also carries status and likelihood, so the ids of the active risks in priority order and
-- the matrix's counts come from the index alone, without visiting the table.
CREATE INDEX risk_priority ON risk (score DESC, impact DESC, due_order, id, status, likelihood);
CREATE INDEX risk_team ON risk (team_id, score DESC, impact DESC, due_order);
CREATE INDEX risk_milestone ON risk (milestone_id);

-- A milestone's new due date reorders its risks.
CREATE TRIGGER milestone_due_order AFTER UPDATE OF due ON milestone
BEGIN
    UPDATE risk SET due_order = coalesce(NEW.due, '9999-12-31') WHERE milestone_id = NEW.id;
END;

-- History: append-only. No foreign key to risk, so a deleted risk keeps its events.
-- Version 5: an event may be about one of the risk's actions (action_id), and a comment is
-- an event of its own kind. Version 7: a delete keeps the deleted state (JSON) in `state`.
CREATE TABLE event (
    id        INTEGER PRIMARY KEY,
    risk_id   INTEGER NOT NULL,
    action_id INTEGER,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind = 'create' OR kind = 'change' OR kind = 'status' OR kind = 'review'
                           OR kind = 'import' OR kind = 'delete' OR kind = 'comment'),
    field     TEXT,
    old       TEXT,
    new       TEXT,
    revision  INTEGER,
    note      TEXT NOT NULL DEFAULT ''
, state TEXT) STRICT;

CREATE INDEX event_risk ON event (risk_id, id);
CREATE INDEX event_action ON event (action_id, id) WHERE action_id IS NOT NULL;

CREATE TRIGGER event_no_update BEFORE UPDATE ON event
BEGIN
    SELECT RAISE(ABORT, 'history is append-only');
END;

CREATE TRIGGER event_no_delete BEFORE DELETE ON event
BEGIN
    SELECT RAISE(ABORT, 'history is append-only');
END;

-- Version 2: the availability model. The estimate columns above were added to risk by
-- ALTER TABLE (hence their layout); bad_minutes is NULL unless all four estimates are set.
CREATE INDEX risk_bad_minutes ON risk (bad_minutes DESC);

-- Incidents that happened, linked to the risks they realised, to calibrate estimates.
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

-- No foreign key to risk: a deleted risk keeps its incidents, like its history.
CREATE TABLE incident_risk (
    incident_id INTEGER NOT NULL REFERENCES incident (id),
    risk_id     INTEGER NOT NULL,
    PRIMARY KEY (incident_id, risk_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX incident_risk_risk ON incident_risk (risk_id, incident_id);

-- Version 5: actions, the work that retires a risk. `effective_due` is the date that counts
-- (its own, else its milestone's); the store sets it and a trigger follows the milestone.
CREATE TABLE action (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    risk_id       INTEGER NOT NULL REFERENCES risk (id),
    title         TEXT NOT NULL CHECK (length(title) >= 1),
    status        TEXT NOT NULL CHECK (status = 'todo' OR status = 'doing' OR status = 'done' OR status = 'dropped'),
    owner         TEXT NOT NULL DEFAULT '',
    team_id       INTEGER REFERENCES team (id),
    milestone_id  INTEGER REFERENCES milestone (id),
    due           TEXT CHECK (due IS NULL OR due GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    effective_due TEXT,
    link          TEXT NOT NULL DEFAULT '',
    kind          TEXT NOT NULL CHECK (kind = 'short-term' OR kind = 'long-term'),
    incident_id   INTEGER REFERENCES incident (id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    revision      INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1)
) STRICT;

CREATE INDEX action_risk ON action (risk_id);
CREATE INDEX action_team ON action (team_id);
CREATE INDEX action_milestone ON action (milestone_id);
-- Open actions by the date that counts: the Actions tab's order and is:overdue.
CREATE INDEX action_open_due ON action (effective_due, id) WHERE status = 'todo' OR status = 'doing';

-- Each risk's open actions, kept beside the risk (not in its row, so a change to an action
-- never rewrites the risk): their due dates (in no order, "-" for none) and the earliest.
-- A risk without open actions has no row here. Lists and exports of 100,000 risks read their
-- action figures from it.
CREATE TABLE risk_actions (
    risk_id   INTEGER PRIMARY KEY,
    open_dues TEXT NOT NULL,
    next_due  TEXT
) STRICT;

CREATE TRIGGER action_counts_insert AFTER INSERT ON action
BEGIN
    DELETE FROM risk_actions WHERE risk_id = NEW.risk_id;
    INSERT INTO risk_actions (risk_id, open_dues, next_due)
        SELECT a.risk_id, group_concat(coalesce(a.effective_due, '-'), ','), min(a.effective_due)
        FROM action a WHERE a.risk_id = NEW.risk_id AND (a.status = 'todo' OR a.status = 'doing')
        GROUP BY a.risk_id;
END;

CREATE TRIGGER action_counts_update AFTER UPDATE OF risk_id, status, effective_due ON action
BEGIN
    DELETE FROM risk_actions WHERE risk_id = NEW.risk_id OR risk_id = OLD.risk_id;
    INSERT INTO risk_actions (risk_id, open_dues, next_due)
        SELECT a.risk_id, group_concat(coalesce(a.effective_due, '-'), ','), min(a.effective_due)
        FROM action a WHERE (a.risk_id = NEW.risk_id OR a.risk_id = OLD.risk_id)
            AND (a.status = 'todo' OR a.status = 'doing')
        GROUP BY a.risk_id;
END;

CREATE TRIGGER action_counts_delete AFTER DELETE ON action
BEGIN
    DELETE FROM risk_actions WHERE risk_id = OLD.risk_id;
    INSERT INTO risk_actions (risk_id, open_dues, next_due)
        SELECT a.risk_id, group_concat(coalesce(a.effective_due, '-'), ','), min(a.effective_due)
        FROM action a WHERE a.risk_id = OLD.risk_id AND (a.status = 'todo' OR a.status = 'doing')
        GROUP BY a.risk_id;
END;

-- A milestone's new due date is the due date of its actions that have none of their own.
CREATE TRIGGER milestone_due_actions AFTER UPDATE OF due ON milestone
BEGIN
    UPDATE action SET effective_due = NEW.due WHERE milestone_id = NEW.id AND due IS NULL;
END;
