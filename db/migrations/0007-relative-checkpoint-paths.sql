-- 0007: checkpoint paths relative to the workspace. They were stored absolute, so a moved workspace lost its
-- checkpoints (ENOENT on the old path) and a copied one pruned the original's files. The trainer writes every
-- checkpoint at <workspace>/runs/<run id>/checkpoints/<file>: such a path becomes runs/<run id>/checkpoints/<file>
-- ('/' on every platform), whichever folder the workspace was in when it was written. Other paths stay absolute.
-- folder = the path up to its last '/' (rtrim drops every character but '/' from the end); '\' counts as '/'.
UPDATE checkpoints
SET path = 'runs/' || run_id || '/checkpoints/' ||
  substr(replace(path, char(92), '/'), length(rtrim(replace(path, char(92), '/'), replace(replace(path, char(92), '/'), '/', ''))) + 1)
WHERE rtrim(replace(path, char(92), '/'), replace(replace(path, char(92), '/'), '/', '')) GLOB '*/runs/' || run_id || '/checkpoints/'
  AND replace(path, char(92), '/') NOT GLOB '*/';
