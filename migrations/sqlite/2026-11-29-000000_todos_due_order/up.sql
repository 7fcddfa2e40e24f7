-- The due-date order puts todos without a date last: it sorts on this exact expression, so an
-- index on it serves that order like the other sort keys (the plain due_date index stays for
-- the due-before/after filters).
CREATE INDEX todos_org_due_order ON todos (organization_id, coalesce(due_date, '9999-12-31'), id);
