-- wzdesk on PostgreSQL: one owner role for the schema, one group role for the application, and
-- one login per person (each person's role is how wzdesk knows who is acting).
--
-- Run as a superuser, after replacing the names and passwords:
--   wzdesk          the database
--   wzdesk_owner    owns the schema; runs upgrades and restores (not used day to day)
--   wzdesk_app      what every person may do through wzdesk: read and write the desk's tables,
--                   append to the audit trail, never change or delete it
--   sam, kim, pat   one LOGIN role per person, member of wzdesk_app
--
--   psql -v ON_ERROR_STOP=1 -d postgres -f docs/postgresql-roles.sql

CREATE ROLE wzdesk_owner LOGIN PASSWORD 'change me';
CREATE DATABASE wzdesk OWNER wzdesk_owner;
\connect wzdesk
REVOKE ALL ON DATABASE wzdesk FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT CREATE, USAGE ON SCHEMA public TO wzdesk_owner;

-- Then, once, as the owner: create the schema (the owner becomes the first supervisor):
--   WZDESK_DB=postgresql://wzdesk_owner@HOST/wzdesk wzdesk user list
--   ... and add the people (their console login is their role name unless --identity says):
--   wzdesk user add sam --name "Sam Okoro" --role supervisor
-- Then, as a superuser again, connected to the wzdesk database:

CREATE ROLE wzdesk_app NOLOGIN;
GRANT CONNECT ON DATABASE wzdesk TO wzdesk_app;
GRANT USAGE ON SCHEMA public TO wzdesk_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO wzdesk_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO wzdesk_app;
-- The audit trail is append-only, and only the owner changes the schema's version.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_entry FROM wzdesk_app;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON wzdesk_schema FROM wzdesk_app;
-- Tables a later upgrade adds (created by the owner) get the same rights.
ALTER DEFAULT PRIVILEGES FOR ROLE wzdesk_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO wzdesk_app;
ALTER DEFAULT PRIVILEGES FOR ROLE wzdesk_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO wzdesk_app;

-- One login per person.
CREATE ROLE sam LOGIN PASSWORD 'change me' IN ROLE wzdesk_app;
CREATE ROLE kim LOGIN PASSWORD 'change me' IN ROLE wzdesk_app;
CREATE ROLE pat LOGIN PASSWORD 'change me' IN ROLE wzdesk_app;
