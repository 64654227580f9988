-- Version 6 → 7: a delete event keeps the state of the risk or action it deleted (JSON), so
-- the register can be rebuilt exactly as of any moment (list --as-of, changes, trend).
ALTER TABLE event ADD COLUMN state TEXT;
