/**
 * SQL functions the translation calls where PostgreSQL has no built-in with Redshift's result,
 * installed once per database in the `redshift_simulator` schema (under an advisory lock, since
 * several simulators may share one database).
 */
import type { Pool } from 'pg';

/** The schema the helpers live in. */
export const HELPER_SCHEMA = 'redshift_simulator';

/** An arbitrary constant: the advisory lock that serialises installing the helpers. */
const INSTALL_LOCK = 7_311_013;

/** JSON text as Redshift prints SUPER: no spaces (jsonb's own text output has them). */
const JSON_SERIALIZE = `
CREATE FUNCTION ${HELPER_SCHEMA}.json_serialize(j jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE jsonb_typeof(j)
    WHEN 'object' THEN '{' || COALESCE((SELECT string_agg(to_jsonb(e.key)::text || ':' ||
      ${HELPER_SCHEMA}.json_serialize(e.value), ',' ORDER BY e.ord)
      FROM jsonb_each(j) WITH ORDINALITY AS e(key, value, ord)), '') || '}'
    WHEN 'array' THEN '[' || COALESCE((SELECT string_agg(${HELPER_SCHEMA}.json_serialize(e.value),
      ',' ORDER BY e.ord) FROM jsonb_array_elements(j) WITH ORDINALITY AS e(value, ord)), '') || ']'
    ELSE j::text END
$$`;

/** Installs the helper functions unless they are there already. */
export async function installHelpers(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [INSTALL_LOCK]);
    const { rows } = await client.query<{ present: boolean }>(
      `SELECT to_regprocedure('${HELPER_SCHEMA}.json_serialize(jsonb)') IS NOT NULL AS present`,
    );
    if (!rows[0]?.present) {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${HELPER_SCHEMA}`);
      await client.query(JSON_SERIALIZE);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
