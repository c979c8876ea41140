"""cbs_chain(start, content): the log's hash chain as a PostgreSQL aggregate.

Used as a running window aggregate it gives each row sha256(previous hash || content), the
first row chaining onto `start` – exactly what cbs.audit.chain.digest() computes in Python, so
bulk appends (imports) chain their records inside the database and verify() checks them the same.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION cbs_chain_step(state text, start text, content text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN encode(sha256(convert_to(coalesce(state, start) || content, 'UTF8')), 'hex');
END $$;
CREATE AGGREGATE cbs_chain(text, text) (SFUNC = cbs_chain_step, STYPE = text);
"""
DROP = "DROP AGGREGATE cbs_chain(text, text); DROP FUNCTION cbs_chain_step(text, text, text);"


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunSQL(CREATE, DROP)]
