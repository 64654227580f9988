-- Version 3 → 4: a team's milestones are found by index (team list counted them by a scan
-- of every milestone per team, quadratic with thousands of both).
CREATE INDEX milestone_team ON milestone (team_id);
