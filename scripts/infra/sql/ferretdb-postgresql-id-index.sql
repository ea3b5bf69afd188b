-- FerretDB 1.24's PostgreSQL backend filters `_id` with a jsonb containment (`_jsonb->'_id' @> $1`),
-- which its own btree index on `_jsonb->'_id'` cannot serve, so every lookup scans the collection's
-- table. This event trigger gives every table FerretDB creates a GIN index that serves the
-- containment, so reads and version-checked writes stay flat as collections grow. It lives in the
-- store we start (scripts/infra/up.sh), not in the application: MongoDB 7 needs nothing of it.
CREATE OR REPLACE FUNCTION lcm_index_ferretdb_id() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE
  created record;
BEGIN
  FOR created IN SELECT objid, object_identity FROM pg_event_trigger_ddl_commands()
                 WHERE command_tag = 'CREATE TABLE' LOOP
    IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = created.objid AND attname = '_jsonb') THEN
      EXECUTE format('CREATE INDEX ON %s USING gin ((_jsonb->''_id'') jsonb_path_ops)', created.object_identity);
    END IF;
  END LOOP;
END $$;

DROP EVENT TRIGGER IF EXISTS lcm_index_ferretdb_id;
CREATE EVENT TRIGGER lcm_index_ferretdb_id ON ddl_command_end WHEN TAG IN ('CREATE TABLE')
  EXECUTE FUNCTION lcm_index_ferretdb_id();
