-- Version 4 → 5: actions, links on risks, comments and action events in the history.
ALTER TABLE risk ADD COLUMN links TEXT NOT NULL DEFAULT '';
ALTER TABLE risk ADD COLUMN open_action_dues TEXT;
ALTER TABLE risk ADD COLUMN next_action_due TEXT;

-- The history gains action_id and the comment kind: SQLite cannot change a CHECK, so the
-- table is rebuilt (its rows copied as they are) under its old name.
ALTER TABLE event RENAME TO event_v4;
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
) STRICT;
INSERT INTO event (id, risk_id, at, actor, kind, field, old, new, revision, note)
    SELECT id, risk_id, at, actor, kind, field, old, new, revision, note FROM event_v4;
DROP TABLE event_v4;
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

-- A risk keeps the due dates of its open actions (in no order, "-" for none; NULL when it has no
-- open action) and the earliest, so lists and exports of 100,000 risks read their action
-- figures from the row.
CREATE TRIGGER action_counts_insert AFTER INSERT ON action
BEGIN
    UPDATE risk SET
        open_action_dues = (SELECT group_concat(coalesce(a.effective_due, '-'), ',')
                            FROM action a WHERE a.risk_id = risk.id AND (a.status = 'todo' OR a.status = 'doing')),
        next_action_due = (SELECT min(a.effective_due) FROM action a WHERE a.risk_id = risk.id AND (a.status = 'todo' OR a.status = 'doing'))
    WHERE id = NEW.risk_id;
END;

CREATE TRIGGER action_counts_update AFTER UPDATE OF risk_id, status, effective_due ON action
BEGIN
    UPDATE risk SET
        open_action_dues = (SELECT group_concat(coalesce(a.effective_due, '-'), ',')
                            FROM action a WHERE a.risk_id = risk.id AND (a.status = 'todo' OR a.status = 'doing')),
        next_action_due = (SELECT min(a.effective_due) FROM action a WHERE a.risk_id = risk.id AND (a.status = 'todo' OR a.status = 'doing'))
    WHERE id = NEW.risk_id OR id = OLD.risk_id;
END;

CREATE TRIGGER action_counts_delete AFTER DELETE ON action
BEGIN
    UPDATE risk SET
        open_action_dues = (SELECT group_concat(coalesce(a.effective_due, '-'), ',')
                            FROM action a WHERE a.risk_id = risk.id AND (a.status = 'todo' OR a.status = 'doing')),
        next_action_due = (SELECT min(a.effective_due) FROM action a WHERE a.risk_id = risk.id AND (a.status = 'todo' OR a.status = 'doing'))
    WHERE id = OLD.risk_id;
END;

-- A milestone's new due date is the due date of its actions that have none of their own.
CREATE TRIGGER milestone_due_actions AFTER UPDATE OF due ON milestone
BEGIN
    UPDATE action SET effective_due = NEW.due WHERE milestone_id = NEW.id AND due IS NULL;
END;
