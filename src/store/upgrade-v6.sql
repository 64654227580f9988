-- Version 5 → 6: residual risk (target likelihood and impact), estimate ranges, and each
-- risk's open actions kept beside the risk instead of in its row.
DROP TRIGGER action_counts_insert;
DROP TRIGGER action_counts_update;
DROP TRIGGER action_counts_delete;
-- Each risk's open actions, kept beside the risk (not in its row, so a change to an action
-- never rewrites the risk): their due dates (in no order, "-" for none) and the earliest.
-- A risk without open actions has no row here. Lists and exports of 100,000 risks read their
-- action figures from it.
CREATE TABLE risk_actions (
    risk_id   INTEGER PRIMARY KEY,
    open_dues TEXT NOT NULL,
    next_due  TEXT
) STRICT;

INSERT INTO risk_actions (risk_id, open_dues, next_due)
    SELECT id, open_action_dues, next_action_due FROM risk WHERE open_action_dues IS NOT NULL;

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

ALTER TABLE risk DROP COLUMN open_action_dues;
ALTER TABLE risk DROP COLUMN next_action_due;
ALTER TABLE risk ADD COLUMN target_likelihood INTEGER CHECK (target_likelihood BETWEEN 1 AND 5);
ALTER TABLE risk ADD COLUMN target_impact INTEGER CHECK (target_impact BETWEEN 1 AND 5);
ALTER TABLE risk ADD COLUMN estimate_ranges TEXT NOT NULL DEFAULT '';
