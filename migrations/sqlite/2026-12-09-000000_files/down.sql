DROP TABLE file_removals;
DROP TABLE todo_attachments;
ALTER TABLE organizations DROP COLUMN logo_bytes;
ALTER TABLE organizations DROP COLUMN logo_small_key;
ALTER TABLE organizations DROP COLUMN logo_key;
ALTER TABLE users DROP COLUMN avatar_small_key;
ALTER TABLE users DROP COLUMN avatar_key;
