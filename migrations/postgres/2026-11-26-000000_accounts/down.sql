DROP TABLE auth_tokens;
DROP TABLE sessions;
DROP TABLE users;
