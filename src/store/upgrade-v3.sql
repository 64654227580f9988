-- Version 2 → 3: the priority index covers the active-risk ids and the matrix counts.
DROP INDEX risk_priority;
CREATE INDEX risk_priority ON risk (score DESC, impact DESC, due_order, id, status, likelihood);
