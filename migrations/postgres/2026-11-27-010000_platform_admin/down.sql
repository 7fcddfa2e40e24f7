DROP TABLE admin_audit_log;
ALTER TABLE sessions DROP COLUMN impersonator_id;
ALTER TABLE users DROP COLUMN banned_until;
ALTER TABLE users DROP COLUMN ban_reason;
ALTER TABLE users DROP COLUMN banned_at;
